import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  dropDir,
  ensureSharedClamd,
  startScreeningHub,
  until,
  waitForOutcomes,
  writeHubConfig,
  type ScreeningHub,
} from '../screening/support';
import {
  api,
  checkInbox,
  describeTransfers,
  dropWav,
  eventsOf,
  listTransfers,
  waitForTransfers,
  watchNames,
  type SourceFile,
  type TransferJson,
} from './support';

/*
 * Issue 4, "Done when", on an embedded hub: files dropped for a paused
 * broadcast network queue up; one is moved to the urgent lane; after the
 * network resumes every file arrives once and intact, the urgent one first.
 */
describe('done when: paused network queues, urgent lane, resume delivers every file once', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-done-when-'));
  // One channel per lane, so the order in which transfers start is the queue's order and not a race.
  const config = writeHubConfig(dataDir, { extra: { transfer: { channels: { urgent: 1, normal: 1 } } } });
  const inbox = join(dataDir, 'networks', 'broadcast', 'inbox');
  let h: ScreeningHub | undefined;

  beforeAll(async () => {
    await ensureSharedClamd();
  });
  afterAll(async () => {
    if (h && h.hub.child.exitCode === null) await h.hub.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('queued while paused, one moved to urgent and started first, all delivered intact after resume', async () => {
    h = await startScreeningHub(dataDir, config);
    const hub = h;
    await api(hub, 'PATCH', '/v1/networks/broadcast', { paused: true, reason: 'e2e: maintenance window' });
    await until(
      async () =>
        (await api<{ items: Array<{ id: string; paused: boolean }> }>(hub, 'GET', '/v1/networks')).items.some(
          (n) => n.id === 'broadcast' && n.paused,
        ),
      'broadcast listed as paused',
    );

    const seen = watchNames(inbox);
    const seconds = [2, 5, 1, 8, 3, 2];
    const sources: SourceFile[] = [];
    for (const [i, s] of seconds.entries()) {
      sources.push(await dropWav(dropDir(dataDir, 'broadcast'), `done-${i}.wav`, s));
    }
    const assets = await waitForOutcomes(
      hub,
      sources.map((s) => s.name),
      120_000,
    );
    expect(assets.map((a) => `${a.originalName}:${a.state}`).sort()).toEqual(
      sources.map((s) => `${s.name}:cleared`).sort(),
    );

    let queued: TransferJson[] = [];
    await until(
      async () => (queued = await listTransfers(hub, 'network=broadcast')).length === sources.length,
      `a transfer to broadcast for each of the ${sources.length} cleared files`,
      () => describeTransfers(queued),
    );
    // Give a paused network's transfers time to (wrongly) start before checking they wait.
    await new Promise((r) => setTimeout(r, 2000));
    queued = await listTransfers(hub, 'network=broadcast');
    expect(queued.map((t) => t.state)).toEqual(sources.map(() => 'queued'));
    expect(await eventsOf(hub, 'TransferStarted')).toEqual([]);

    // The newest file, which would otherwise go last.
    const newest = assets.find((a) => a.originalName === sources.at(-1)!.name)!;
    const urgent = queued.find((t) => t.assetId === newest.assetId)!;
    await api(hub, 'PATCH', `/v1/transfers/${urgent.id}`, { lane: 'urgent', priority: 1 });
    await until(
      async () => (await api<TransferJson>(hub, 'GET', `/v1/transfers/${urgent.id}`)).lane === 'urgent',
      `transfer ${urgent.id} listed in the urgent lane`,
    );
    expect(await api<TransferJson>(hub, 'GET', `/v1/transfers/${urgent.id}`)).toMatchObject({
      state: 'queued',
      lane: 'urgent',
      priority: 1,
    });

    await api(hub, 'PATCH', '/v1/networks/broadcast', { paused: false });
    const done = await waitForTransfers(() => hub, sources.length, 90_000);
    expect(done.map((t) => t.state)).toEqual(sources.map(() => 'succeeded'));

    const problems = await checkInbox(inbox, sources);
    expect(problems).toEqual([]);
    const allowed = new Set(sources.flatMap((s) => [s.name, s.name.replace(/\.wav$/, '.xml')]));
    expect([...seen.stop()].filter((n) => !allowed.has(n))).toEqual([]);

    const started = await eventsOf(hub, 'TransferStarted');
    const nameOf = (id: string) =>
      assets.find((a) => a.assetId === done.find((t) => t.id === id)?.assetId)?.originalName;
    const order = started.map((e) => `${nameOf(String(e.data.transferId))} on ${String(e.data.channel)}`);
    const urgentStart = started.find((e) => e.data.transferId === urgent.id);
    // The whole start order is in the diff when the first is not the urgent one.
    expect({ first: order[0], order }).toEqual({
      first: `${newest.originalName} on ${String(urgentStart?.data.channel)}`,
      order,
    });
    const completed = await eventsOf(hub, 'TransferCompleted');
    expect(completed.map((e) => String(e.data.transferId)).sort()).toEqual(done.map((t) => t.id).sort());
    expect(await h.hub.stop()).toBe(0);
  }, 150_000);
});
