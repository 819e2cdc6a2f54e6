import AxeBuilder from '@axe-core/playwright';
import { expect, settled, test } from './support/fixtures';
import { SEED } from './support/seed';
import { assetNamed } from './support/waits';

/** Every page of the console, with the h1 it shows once rendered (null: the login page, seen logged out). */
const PAGES: Array<{ path: string; h1: string | null }> = [
  { path: '/login', h1: null },
  { path: '/', h1: 'Dashboard' },
  { path: '/transfers', h1: 'Transfers' },
  { path: '/catalog', h1: 'Catalog' },
  { path: '/catalog/assets/:id', h1: null },
  { path: '/quarantine', h1: 'Quarantine' },
  { path: '/audit', h1: 'Audit' },
  { path: '/admin/users', h1: null },
  { path: '/admin/tokens', h1: null },
  { path: '/admin/subscriptions', h1: null },
  { path: '/admin/nodes', h1: null },
  { path: '/admin/config', h1: null },
];

test.describe('accessibility (axe): no serious or critical violation', () => {
  for (const { path, h1 } of PAGES) {
    test(path, async ({ page, api, loginAs }) => {
      let url = path;
      if (path.includes(':id')) url = path.replace(':id', (await assetNamed(api, SEED.chinese)).assetId);
      if (path === '/login') await page.goto(url);
      else await loginAs('admin', url);
      const heading = page.getByRole('heading', { level: 1, ...(h1 ? { name: h1 } : {}) });
      if (path === '/login') await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
      else await expect(heading).toBeVisible();
      // Let the page's queries answer: axe should see the tables and forms, not their spinners.
      await settled(page);
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
      expect(bad, `axe on ${path}`).toEqual([]);
    });
  }
});
