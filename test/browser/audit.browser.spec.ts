import { expect, test } from './support/fixtures';

test('audit: "Verify" checks the log, says "Log verified" and shows the checkpoint signatures it checked', async ({
  page,
  loginAs,
}) => {
  await loginAs('auditor', '/audit');
  await expect(page.getByRole('heading', { level: 1, name: 'Audit' })).toBeVisible();
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText('Log verified')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText('Verification FAILED')).toHaveCount(0);
  await expect(page.getByText(/^Newest signed checkpoints \(key [0-9a-f]{16}\)$/)).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Signature (Ed25519)' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'yes' }).first()).toBeVisible();
});
