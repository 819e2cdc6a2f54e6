import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(__dirname, '..', '..', 'bin', 'mxhub.js');

/** Issue 11: read-only commands never make a data directory; only `start` does. */
describe('read-only commands on a folder without mxhub data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mxhub-e2e-readonly-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([['status'], ['verify'], ['replay']])(
    'mxhub %s answers "no mxhub data at DIR" (exit 2) and creates nothing',
    (command) => {
      const data = join(dir, `none-${command}`);
      const empty = join(dir, `empty-${command}`);
      for (const target of [data, empty]) {
        if (target === empty) rmSync(empty, { recursive: true, force: true });
        const r = spawnSync(process.execPath, [bin, command, '--data', target], {
          env: { ...process.env, MXHUB_ADMIN_TOKEN: '', DATABASE_URL: '', REDIS_URL: '', KAFKA_BROKERS: '' },
          encoding: 'utf8',
          cwd: dir,
        });
        expect(r.status).toBe(2);
        expect(r.stderr).toContain(`no mxhub data at ${target}`);
        expect(existsSync(target)).toBe(false);
      }
      // Nor in the working directory (the default ./mxhub-data).
      expect(readdirSync(dir).filter((n) => n.startsWith('mxhub-data'))).toEqual([]);
    },
  );
});
