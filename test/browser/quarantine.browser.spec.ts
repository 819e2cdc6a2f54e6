import { until } from './support/api';
import { expect, test } from './support/fixtures';
import { SEED } from './support/seed';
import { quarantined } from './support/waits';

interface StreamEvent {
  type: string;
  data: { mode?: string; reason?: string };
  metadata: { actor: string };
}

test('quarantine desk: "Release" (rescreen) with a reason sends the asset back to screening', async ({
  page,
  api,
  hub,
  loginAs,
}) => {
  const asset = await quarantined(api, SEED.tainted);
  await loginAs('admin', '/quarantine');
  await expect(page.getByRole('heading', { level: 1, name: 'Quarantine' })).toBeVisible();
  const row = page.locator(`tr[data-row-key="${asset.assetId}"]`);
  await expect(row).toContainText(SEED.tainted);

  const reason = `browser test ${hub.profile}: rescreen after a signature update`;
  await row.getByRole('button', { name: 'Release' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: 'Confirm' }).click();

  // The command went through as the user: AssetReleased (rescreen) with the reason, naming the admin.
  const released = await until(
    'AssetReleased on the asset stream',
    async () =>
      (await api.get<{ items: StreamEvent[] }>(`/v1/streams/asset-${asset.assetId}`)).items.find(
        (e) => e.type === 'AssetReleased',
      ),
    (e) => e !== undefined,
    30_000,
  );
  expect(released!.data).toMatchObject({ mode: 'rescreen', reason });
  expect(released!.metadata.actor).toBe(`user:${hub.users.admin.username}`);
});
