import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mxhub, startHub } from '../support/hub-process';

describe('the data directory is locked while a hub has its embedded database open (issue 9)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-e2e-lock-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('with hub.json deleted, replay and a second start are refused by name; after SIGKILL the store opens', async () => {
    const hub = await startHub(['--data', dataDir], { MXHUB_ADMIN_TOKEN: '' });
    const pg = join(dataDir, 'pg');
    try {
      rmSync(join(dataDir, 'hub.json'));
      for (const args of [['replay'], ['start', '--port', '0']]) {
        const r = await mxhub([...args, '--data', dataDir], { MXHUB_ADMIN_TOKEN: '' });
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(
          `the embedded database in ${pg} is in use by another process (pid ${hub.child.pid} (`,
        );
      }
    } finally {
      hub.child.kill('SIGKILL');
      await new Promise((resolve) => hub.child.once('exit', resolve));
    }
    // The kernel let go of the lock with the process: the store opens, and it is whole.
    const verify = await mxhub(['verify', '--data', dataDir], { MXHUB_ADMIN_TOKEN: '' });
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/log verified/);
  });
});
