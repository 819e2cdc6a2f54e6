import { expect, test } from './support/fixtures';
import { SEED } from './support/seed';
import { assetNamed } from './support/waits';

test.describe('rights in the console', () => {
  test('a viewer scoped to news never sees an asset held only in archive', async ({ page, api, loginAs }) => {
    const news = await assetNamed(api, SEED.chinese);
    const archive = await assetNamed(api, SEED.archiveOnly, ['cleared', 'delivered']);
    await loginAs('viewer', '/catalog');
    await expect(page.locator(`tr[data-row-key="${news.assetId}"]`)).toBeVisible();
    await expect(page.locator(`tr[data-row-key="${archive.assetId}"]`)).toHaveCount(0);
    await expect(page.getByText(SEED.archiveOnly)).toHaveCount(0);

    const search = page.getByLabel('Search', { exact: true });
    await search.fill('archive-only');
    await search.press('Enter');
    await expect(page.locator(`tr[data-row-key="${news.assetId}"]`)).toHaveCount(0);
    await expect(page.locator(`tr[data-row-key="${archive.assetId}"]`)).toHaveCount(0);

    // Its page by URL tells nothing either: no name, no player.
    await page.goto(`/catalog/assets/${archive.assetId}`);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByText(SEED.archiveOnly)).toHaveCount(0);
    await expect(page.locator('video[aria-label="Proxy player"]')).toHaveCount(0);
    // Nor do the pages a viewer may not use show in its navigation.
    for (const name of ['Transfers', 'Quarantine', 'Audit', 'Admin']) {
      await expect(page.getByRole('link', { name, exact: true })).toHaveCount(0);
    }
  });

  test('an operator has no "Admin" link, and /admin/users says "Not allowed"', async ({ page, loginAs }) => {
    await loginAs('operator', '/');
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Transfers', exact: true })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0);
    await page.goto('/admin/users');
    await expect(page.getByText('Not allowed')).toBeVisible();
  });
});
