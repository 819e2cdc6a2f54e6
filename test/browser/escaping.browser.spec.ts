import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { SEED } from './support/seed';
import { assetNamed } from './support/waits';

/** Whether anything the hostile name or title carries ran: the flag it sets, or an element it would have made. */
async function ran(page: Page): Promise<unknown> {
  return page.evaluate(() => (globalThis as unknown as { __xss?: unknown }).__xss);
}

test('a file named like HTML and a sidecar title with <script> show as text and run nothing', async ({
  page,
  api,
  loginAs,
}) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const asset = await assetNamed(api, SEED.hostile);
  await loginAs('admin', '/catalog');
  const search = page.getByLabel('Search', { exact: true });
  await search.fill('onerror');
  await search.press('Enter');
  const row = page.locator(`tr[data-row-key="${asset.assetId}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText(SEED.hostile);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await ran(page)).toBeUndefined();

  await page.goto(`/catalog/assets/${asset.assetId}`);
  await expect(page.getByText(SEED.hostile).first()).toBeVisible();
  await expect(page.getByText(SEED.hostileTitle).first()).toBeVisible();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  const injected = await page.evaluate(() =>
    Array.from(
      (globalThis as unknown as { document: { scripts: ArrayLike<{ textContent: string | null }> } }).document.scripts,
    ).some((s) => (s.textContent ?? '').includes('__xss')),
  );
  expect(injected).toBe(false);
  expect(await ran(page)).toBeUndefined();
  expect(dialogs).toEqual([]);
});
