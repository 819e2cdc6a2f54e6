import { expect, test } from './support/fixtures';

test('audit: "Verify" checks the log and says "Log verified"', async ({ page, loginAs }) => {
  await loginAs('auditor', '/audit');
  await expect(page.getByRole('heading', { level: 1, name: 'Audit' })).toBeVisible();
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText('Log verified')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('Verification FAILED')).toHaveCount(0);
});
