import { expect, test } from './support/fixtures';
import { SEED } from './support/seed';
import { assetNamed, proxyReady } from './support/waits';

test('catalog: a search in Chinese finds the clip, its page plays the proxy', async ({ page, api, hub, loginAs }) => {
  const asset = await assetNamed(api, SEED.chinese);
  await proxyReady(hub.url, hub.adminToken, asset.assetId);
  await loginAs('viewer', '/catalog');
  await expect(page.getByRole('heading', { level: 1, name: 'Catalog' })).toBeVisible();

  const search = page.getByLabel('Search', { exact: true });
  await search.fill(SEED.chineseQuery);
  await search.press('Enter');
  const row = page.locator(`tr[data-row-key="${asset.assetId}"]`);
  await expect(row).toBeVisible();
  await row.getByRole('link', { name: SEED.chinese }).click();
  await expect(page).toHaveURL(new RegExp(`/catalog/assets/${asset.assetId}$`));

  const video = page.locator('video[aria-label="Proxy player"]');
  await expect(video).toBeVisible();
  expect(await video.evaluate((v) => (v as unknown as { currentSrc: string }).currentSrc)).toContain(
    `/v1/assets/${asset.assetId}/proxy`,
  );
  await expect
    .poll(() => video.evaluate((v) => (v as unknown as { readyState: number }).readyState), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(2);
  // The filmstrip, cut into tiles by the layout the hub recorded (GET /v1/assets/{id}/renditions).
  await expect(page.getByRole('slider', { name: 'Filmstrip' })).toBeVisible();
});
