import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { SEED } from './support/seed';
import { assetNamed, quarantined } from './support/waits';

/** The flag the hostile names and title set if any page let them run. */
async function ran(page: Page): Promise<unknown> {
  return page.evaluate(() => (globalThis as unknown as { __xss?: unknown }).__xss);
}

/** Nothing of the hostile markup became an element: no <img src=x>, no <svg onload>, no script mentioning __xss. */
async function expectNoMarkup(page: Page): Promise<void> {
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  await expect(page.locator('svg[onload]')).toHaveCount(0);
  const injected = await page.evaluate(() =>
    Array.from(
      (globalThis as unknown as { document: { scripts: ArrayLike<{ textContent: string | null }> } }).document.scripts,
    ).some((s) => (s.textContent ?? '').includes('__xss')),
  );
  expect(injected, 'a <script> mentioning __xss in the page').toBe(false);
  expect(await ran(page)).toBeUndefined();
}

test('file names and a sidecar title made of HTML show as text on every page and run nothing', async ({
  page,
  api,
  loginAs,
}) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const asset = await assetNamed(api, SEED.hostile, ['cleared', 'delivered']);
  const tainted = await quarantined(api, SEED.hostileTainted);

  await loginAs('admin', '/catalog');
  const search = page.getByLabel('Search', { exact: true });
  await search.fill('onerror');
  await search.press('Enter');
  const row = page.locator(`tr[data-row-key="${asset.assetId}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText(SEED.hostile);
  await expectNoMarkup(page);

  await page.goto(`/catalog/assets/${asset.assetId}`);
  await expect(page.getByText(SEED.hostile).first()).toBeVisible();
  await expect(page.getByText(SEED.hostileTitle).first()).toBeVisible();
  await expectNoMarkup(page);

  await page.goto('/quarantine');
  await expect(page.locator(`tr[data-row-key="${tainted.assetId}"]`)).toContainText(SEED.hostileTainted);
  await expectNoMarkup(page);

  // Its transfer waits in the queue (broadcast is paused) and the board names the asset.
  await page.goto('/transfers');
  await expect(page.getByRole('heading', { level: 1, name: 'Transfers' })).toBeVisible();
  await expectNoMarkup(page);

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expectNoMarkup(page);
  expect(dialogs).toEqual([]);
});
