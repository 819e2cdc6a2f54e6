import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  dropDir,
  ensureSharedClamd,
  startScreeningHub,
  until,
  writeHubConfig,
  type ScreeningHub,
} from '../screening/support';
import { checkInbox, dropWav, listTransfers, type TransferJson } from './support';

interface ReadyJson {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/*
 * Issue 9, item 3, on an embedded hub: broadcast's inbox is replaced by a
 * symbolic link to a folder outside its node. Nothing is delivered there,
 * /health/ready names the link, and once the real folder is back the
 * waiting transfer completes into it.
 */
describe('node layout: an inbox replaced by a symbolic link receives nothing until it is a folder again', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-node-layout-'));
  const config = writeHubConfig(dataDir);
  const inbox = join(dataDir, 'networks', 'broadcast', 'inbox');
  const outside = join(dataDir, 'outside');
  let h: ScreeningHub | undefined;

  beforeAll(async () => {
    await ensureSharedClamd();
  });
  afterAll(async () => {
    if (h && h.hub.child.exitCode === null) await h.hub.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const ready = async (hub: ScreeningHub): Promise<ReadyJson> =>
    (await fetch(`${hub.hub.url}/health/ready`)).json() as Promise<ReadyJson>;

  test('waits while the inbox is a link, is named by /health/ready, and completes once it is restored', async () => {
    h = await startScreeningHub(dataDir, config);
    const hub = h;
    expect((await ready(hub)).checks.nodes).toEqual({ ok: true, detail: '3 sound' });

    mkdirSync(outside);
    rmSync(inbox, { recursive: true, force: true });
    symlinkSync(outside, inbox);
    let health: ReadyJson | undefined;
    await until(
      async () => (health = await ready(hub)).checks.nodes?.ok === false,
      '/health/ready to report the unsound node',
      () => JSON.stringify(health),
    );
    expect(health!.ready).toBe(false);
    expect(health!.checks.nodes!.detail).toBe(
      `broadcast unsound, receives nothing: ${inbox} is a symbolic link to ${outside}`,
    );

    const source = await dropWav(dropDir(dataDir, 'broadcast'), 'held.wav', 1);
    let transfer: TransferJson | undefined;
    await until(
      async () => (transfer = (await listTransfers(hub, 'network=broadcast'))[0]) !== undefined,
      'a transfer of held.wav to broadcast',
      () => hub.logs().split('\n').slice(-20).join('\n'),
      90_000,
    );
    // Long enough for a saga to have run and been told to wait at least once.
    await new Promise((r) => setTimeout(r, 3000));
    transfer = (await listTransfers(hub, 'network=broadcast'))[0];
    expect(transfer!.state).toBe('queued');
    expect(readdirSync(outside)).toEqual([]);

    unlinkSync(inbox);
    mkdirSync(inbox);
    await until(
      async () => (transfer = (await listTransfers(hub, 'network=broadcast'))[0])!.state === 'succeeded',
      'the transfer to complete once the inbox is a folder again',
      () => JSON.stringify(transfer),
      60_000,
    );
    expect(await checkInbox(inbox, [source])).toEqual([]);
    expect(readdirSync(outside)).toEqual([]);
    await until(
      async () => (health = await ready(hub)).checks.nodes?.ok === true,
      '/health/ready to report every node sound again',
      () => JSON.stringify(health),
    );

    const logs = hub.logs();
    expect(logs.split('node of broadcast is unsound').length - 1).toBe(1);
    expect(logs).toContain('node of broadcast is sound again');
  });
});
