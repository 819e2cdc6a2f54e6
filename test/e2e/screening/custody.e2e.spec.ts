import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, dropWav, sha256File, waitForTransfers, type SourceFile } from '../transfer/support';
import {
  dropDir,
  ensureSharedClamd,
  listAssets,
  readEvents,
  startScreeningHub,
  until,
  writeHubConfig,
  type ScreeningHub,
} from './support';

const EICAR = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*');

/*
 * Issue 9, custody, on a running hub: what was screened is what is delivered.
 * A dropper that keeps a descriptor on its file rewrites it with EICAR after
 * the claim (before screening) and after clearing (before the copy); what
 * arrives in the inbox is the clean file that was hashed, both times. A
 * hard-linked file and a link to the admin token are refused, never read.
 */
describe('custody on a running hub', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-e2e-custody-'));
  const scratch = join(dataDir, 'scratch');
  const inbox = join(dataDir, 'networks', 'broadcast', 'inbox');
  let h: ScreeningHub | undefined;
  const hub = () => h!;

  beforeAll(async () => {
    await ensureSharedClamd();
    h = await startScreeningHub(dataDir, writeHubConfig(dataDir));
  });
  afterAll(async () => {
    if (h && h.hub.child.exitCode === null) await h.hub.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A clean WAV made outside the drop folder, opened for writing, then renamed in: the dropper keeps the descriptor. */
  async function dropKeepingDescriptor(name: string): Promise<{ source: SourceFile; handle: FileHandle }> {
    const source = await dropWav(scratch, name, 1);
    const handle = await open(join(scratch, name), 'r+');
    renameSync(join(scratch, name), join(dropDir(dataDir, 'broadcast'), name));
    return { source, handle };
  }

  const assetNamed = async (name: string) => (await listAssets(hub())).find((a) => a.originalName === name);

  test('a rewrite through a kept descriptor after the claim, and after clearing, never reaches the inbox', async () => {
    // 1: rewritten as soon as the hub has claimed it, before screening ends.
    const early = await dropKeepingDescriptor('rewritten-early.wav');
    await until(async () => (await assetNamed('rewritten-early.wav')) !== undefined, 'the early file claimed');
    await early.handle.write(EICAR, 0, EICAR.length, 100);
    await early.handle.close();

    // 2: rewritten once cleared, while its transfer waits for a paused network.
    await api(hub(), 'PATCH', '/v1/networks/broadcast', { paused: true, reason: 'e2e: custody' });
    const late = await dropKeepingDescriptor('rewritten-late.wav');
    await until(async () => (await assetNamed('rewritten-late.wav'))?.state === 'cleared', 'the late file cleared');
    await late.handle.write(EICAR, 0, EICAR.length, 100);
    await late.handle.close();
    await api(hub(), 'PATCH', '/v1/networks/broadcast', { paused: false });

    const transfers = await waitForTransfers(hub, 2, 90_000);
    expect(transfers.map((t) => t.state)).toEqual(['succeeded', 'succeeded']);
    for (const { source } of [early, late]) {
      const asset = await assetNamed(source.name);
      expect(asset?.state).not.toBe('quarantined');
      expect(asset?.sha256).toBe(source.sha256);
      expect(await sha256File(join(inbox, source.name))).toBe(source.sha256);
      expect(readFileSync(join(inbox, source.name)).includes(EICAR)).toBe(false);
    }
  });

  test('a hard-linked file and a link to the admin token are refused, said once, and never read', async () => {
    const drop = dropDir(dataDir, 'broadcast');
    const kept = await dropWav(scratch, 'two-names.wav', 1);
    linkSync(join(scratch, kept.name), join(drop, kept.name));
    symlinkSync(join(dataDir, 'checkpoint-key.pem'), join(drop, 'key.wav'));
    const refusedPaths = async () =>
      (await readEvents(hub(), 'type=DropRefused')).map((e) => `${String(e.data.path)} ${String(e.data.rule)}`);
    await until(
      async () => (await refusedPaths()).length >= 2,
      'two DropRefused events',
      async () => (await refusedPaths()).join('; '),
    );
    expect((await refusedPaths()).sort()).toEqual([
      'drop/broadcast/key.wav custody.not-regular-file',
      'drop/broadcast/two-names.wav custody.hard-linked',
    ]);
    expect(existsSync(join(drop, 'two-names.wav'))).toBe(true);
    const keyHash = createHash('sha256')
      .update(readFileSync(join(dataDir, 'checkpoint-key.pem')))
      .digest('hex');
    expect(JSON.stringify(await readEvents(hub()))).not.toContain(keyHash);
    expect(await assetNamed('key.wav')).toBeUndefined();
    expect(await assetNamed('two-names.wav')).toBeUndefined();
  });
});
