import { join } from 'node:path';
import { expect, settled, test } from './support/fixtures';
import { SEED } from './support/seed';
import { assetNamed, proxyReady } from './support/waits';

const ROOT = join(__dirname, '..', '..');
/** The README's pictures with MXHUB_SCREENSHOTS=1; otherwise the run's own, beside its traces (git-ignored). */
const DIR =
  process.env.MXHUB_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : join(ROOT, '.tmp', 'screenshots');

/*
 * The README's screenshots, made by the run itself on the embedded profile
 * (playwright.config.ts runs this file there only), at 1280x800, so they
 * show the console as it is. Every run makes them: a page that no longer
 * renders fails here, and MXHUB_SCREENSHOTS=1 keeps them for the README.
 */
test.describe('screenshots for the README', () => {
  test.use({ viewport: { width: 1280, height: 800 } });

  test('dashboard, transfers, catalog, asset page, quarantine, audit', async ({ page, api, hub, loginAs }) => {
    const asset = await assetNamed(api, SEED.chinese);
    await proxyReady(hub.url, hub.adminToken, asset.assetId);
    const shots: Array<{ name: string; path: string; h1?: string }> = [
      { name: 'dashboard', path: '/', h1: 'Dashboard' },
      { name: 'transfers', path: '/transfers', h1: 'Transfers' },
      { name: 'catalog', path: '/catalog', h1: 'Catalog' },
      { name: 'asset', path: `/catalog/assets/${asset.assetId}` },
      { name: 'quarantine', path: '/quarantine', h1: 'Quarantine' },
      { name: 'audit', path: '/audit', h1: 'Audit' },
    ];
    await loginAs('admin', '/');
    for (const shot of shots) {
      await page.goto(shot.path);
      await expect(page.getByRole('heading', { level: 1, ...(shot.h1 ? { name: shot.h1 } : {}) })).toBeVisible();
      await settled(page);
      if (shot.name === 'asset') {
        const video = page.locator('video[aria-label="Proxy player"]');
        await expect
          .poll(() => video.evaluate((v) => (v as unknown as { readyState: number }).readyState))
          .toBeGreaterThanOrEqual(2);
      }
      await page.screenshot({ path: join(DIR, `${shot.name}.png`) });
    }
  });
});
