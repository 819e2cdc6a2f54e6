import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { SEED } from './support/seed';
import { assetNamed, queuedTransfers } from './support/waits';

/** Row keys (transfer ids) of the Queued table, top to bottom: the order they will run. */
async function queuedOrder(page: Page): Promise<string[]> {
  const rows = page.getByRole('table', { name: 'Queued' }).locator('tbody tr[data-row-key]');
  return rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-row-key') ?? ''));
}

/** Answers the confirmation the console asks before a command that stops work (pause, cancel). */
async function confirm(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Confirm' }).click();
}

test.describe('transfers board', () => {
  test('"Set priority" on the last queued transfer moves it up the Queued table', async ({ page, api, loginAs }) => {
    const assets = await Promise.all(SEED.queued.map((name) => assetNamed(api, name)));
    const transfers = await queuedTransfers(
      api,
      assets.map((a) => a.assetId),
    );
    await loginAs('admin', '/transfers');
    await expect(page.getByRole('heading', { level: 1, name: 'Transfers' })).toBeVisible();
    const ours = new Set(transfers.map((t) => t.id));
    await expect.poll(async () => (await queuedOrder(page)).filter((id) => ours.has(id)).length).toBe(3);

    const before = await queuedOrder(page);
    const last = before.filter((id) => ours.has(id)).at(-1)!;
    const lowest = Math.min(...transfers.map((t) => t.priority));
    // Higher than every other of ours, and still in the normal lane (1 and 2 would move it to urgent).
    const priority = Math.max(3, lowest - 1);
    await page.locator(`tr[data-row-key="${last}"]`).getByRole('button', { name: 'Set priority' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Priority').fill(String(priority));
    await dialog.getByRole('button', { name: 'Apply' }).click();

    await expect.poll(async () => (await queuedOrder(page)).indexOf(last)).toBeLessThan(before.indexOf(last));
    const after = await queuedOrder(page);
    for (const id of before.filter((id) => ours.has(id) && id !== last)) {
      expect(after.indexOf(last), 'the reprioritised transfer runs before the others of its lane').toBeLessThan(
        after.indexOf(id),
      );
    }
    const moved = await api.get<{ priority: number; lane: string }>(`/v1/transfers/${last}`);
    expect(moved.priority).toBe(priority);
  });

  test('"Pause" then "Resume" a queued transfer', async ({ page, api, loginAs }) => {
    const asset = await assetNamed(api, SEED.queued[0]);
    const [transfer] = await queuedTransfers(api, [asset.assetId]);
    await loginAs('operator', '/transfers');
    const row = () => page.locator(`tr[data-row-key="${transfer!.id}"]`);

    await row().getByRole('button', { name: 'Pause' }).click();
    await confirm(page);
    await expect(row().getByRole('button', { name: 'Resume' })).toBeVisible();
    await expect
      .poll(async () => (await api.get<{ state: string }>(`/v1/transfers/${transfer!.id}`)).state)
      .toBe('paused');

    // Resuming stops nothing: no confirmation.
    await row().getByRole('button', { name: 'Resume' }).click();
    await expect(row().getByRole('button', { name: 'Pause' })).toBeVisible();
    await expect
      .poll(async () => (await api.get<{ state: string }>(`/v1/transfers/${transfer!.id}`)).state)
      .toBe('queued');
    expect(await queuedOrder(page)).toContain(transfer!.id);
  });
});
