import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryLockedError } from '../../dir-lock';
import { HubError } from '../../errors';
import { createPGliteSql } from './pglite';

const ROOT = join(__dirname, '..', '..', '..');
const HOLDER = join(__dirname, 'testing', 'hold-pglite.ts');

interface Opener {
  child: ChildProcess;
  /** Resolves with 'open', or with the exit code and stderr of a process that could not open. */
  outcome: Promise<'open' | { code: number | null; stderr: string }>;
}

/** Another process opening the embedded database in `dir`. */
function opener(dir: string): Opener {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'run-ts.js'), HOLDER, dir], {
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const outcome = new Promise<Awaited<Opener['outcome']>>((resolve) => {
    child.stdout!.on('data', (c: Buffer) => c.toString().includes('open') && resolve('open'));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
  return { child, outcome };
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

describe('the embedded database is locked by the process that opens it', () => {
  let base: string;
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mxhub-pglite-lock-'));
  });
  afterAll(async () => {
    for (const child of running) if (child.exitCode === null && child.signalCode === null) await killed(child);
    await rm(base, { recursive: true, force: true });
  });

  test('a second process is refused, naming the directory and the holder; SIGKILL of the holder frees it', async () => {
    const dir = join(base, 'pg');
    const first = opener(dir);
    running.push(first.child);
    expect(await first.outcome).toBe('open');

    const second = opener(dir);
    running.push(second.child);
    const refused = await second.outcome;
    expect(refused).toMatchObject({ code: 2 });
    const message = (refused as { stderr: string }).stderr;
    expect(message).toContain(`the embedded database in ${dir} is in use by another process`);
    expect(message).toContain(`pid ${first.child.pid} (`);

    // In this process too: a DirectoryLockedError, which the CLI turns into exit code 2.
    const here = await createPGliteSql({ dataDir: dir }).catch((e: unknown) => e);
    expect(here).toBeInstanceOf(DirectoryLockedError);

    await killed(first.child);
    // The holder's pipe closed with it: the lock goes as soon as its cat sees EOF.
    let sql: Awaited<ReturnType<typeof createPGliteSql>> | undefined;
    for (let i = 0; i < 50 && !sql; i++) {
      sql = await createPGliteSql({ dataDir: dir }).catch(async () => {
        await new Promise((r) => setTimeout(r, 100));
        return undefined;
      });
    }
    expect(sql).toBeDefined();
    expect(await sql!.query('select pid from held')).toEqual([{ pid: first.child.pid }]);

    // Held here now: another process is refused until this one closes.
    const third = opener(dir);
    running.push(third.child);
    expect(await third.outcome).toMatchObject({ code: 2, stderr: expect.stringContaining(`pid ${process.pid} (`) });
    await sql!.close();
    const fourth = opener(dir);
    running.push(fourth.child);
    expect(await fourth.outcome).toBe('open');
    await killed(fourth.child);
  });

  test('a directory PGlite cannot open is named in the error, and stays unlocked', async () => {
    const dir = join(base, 'damaged');
    const sql = await createPGliteSql({ dataDir: dir });
    await sql.query('create table t (x int)');
    await sql.close();
    // What two writers at once leave behind: a write-ahead log PGlite aborts on.
    for (const name of await readdir(join(dir, 'pg_wal'))) {
      if (/^[0-9A-F]{24}$/.test(name)) await writeFile(join(dir, 'pg_wal', name), Buffer.alloc(1 << 20, 0xa5));
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const err = await createPGliteSql({ dataDir: dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HubError);
      expect(err).toMatchObject({ code: 'MXHUB_ERR_STORE_DAMAGED', details: { dataDir: dir } });
      expect((err as Error).message).toMatch(
        new RegExp(`^the embedded database in ${dir} cannot be opened \\(PGlite: `),
      );
    }
  });
});
