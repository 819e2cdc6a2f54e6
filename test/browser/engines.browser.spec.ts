import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';

/*
 * The dashboard's engine banner (issue 15: "a loud banner when clamd is down
 * or YARA-X alone is scanning"). The hub's side, what /health/ready says of
 * each engine, is hub/health.ts; here the real hub's answer is taken and only
 * its antivirus check is changed to the two ways hub/health.ts words a
 * missing clamd, so the browser tests need not stop the clamd that the
 * production hub shares.
 */
async function withAntivirus(page: Page, antivirus: { ok: boolean; detail: string }): Promise<void> {
  await page.route('**/health/ready', async (route) => {
    const real = await route.fetch();
    const body = (await real.json()) as { ready: boolean; checks: Record<string, unknown> };
    await route.fulfill({
      status: antivirus.ok ? real.status() : 503,
      json: { ...body, ready: body.ready && antivirus.ok, checks: { ...body.checks, antivirus } },
    });
  });
}

const YARA = 'yara-x YARA-X (@litko/yara-x 0.3.0) (mxhub-rules sha256:0123456789abcdef (4 files))';

test.describe('engine banner', () => {
  test('healthy: no alarm', async ({ page, loginAs }) => {
    await loginAs('operator', '/');
    await expect(page.getByText('All engines and checks are healthy')).toBeVisible();
    await expect(page.getByText(/ClamAV is not scanning/)).toHaveCount(0);
  });

  for (const [what, antivirus] of [
    [
      'clamd stopped answering',
      { ok: false, detail: `clamav unreachable: connect ECONNREFUSED 127.0.0.1:3310; ${YARA}` },
    ],
    ['YARA-X alone is scanning', { ok: true, detail: `${YARA}; clamav NOT SCANNING (unreachable at start)` }],
  ] as const) {
    test(`${what}: a loud alert names it, and "healthy" is not said`, async ({ page, loginAs }) => {
      await withAntivirus(page, antivirus);
      await loginAs('operator', '/');
      const alert = page.getByRole('alert').filter({ hasText: 'ClamAV is not scanning' });
      await expect(alert).toBeVisible();
      await expect(alert).toContainText(antivirus.detail.includes('NOT SCANNING') ? 'NOT SCANNING' : 'unreachable');
      await expect(page.getByText('All engines and checks are healthy')).toHaveCount(0);
    });
  }
});
