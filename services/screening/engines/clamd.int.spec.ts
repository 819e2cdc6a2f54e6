import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eicar, mp4Head, zip } from '../testing/corpus';
import { createClamdEngine } from './clamd';
import { describeScanEngineContract } from './scan-engine.contract';

const OPS = path.resolve(__dirname, '../../../ops/clamav');
/** ops/clamav/start.sh's default run dir: keyed on the port, the same for every checkout. */
// Where ops/clamav/start.sh put the suite's clamd, started before jest moved TMPDIR (test/support/global-setup.js).
const defaultRunDir = () =>
  path.join(
    process.env.MXHUB_TEST_ORIGINAL_TMPDIR ?? process.env.TMPDIR ?? '/tmp',
    `mxhub-clamd-${process.env.CLAMD_PORT ?? '13310'}`,
  );
const PORT = Number(process.env.CLAMD_PORT ?? 13310);

function ops(script: 'start.sh' | 'stop.sh', env: Record<string, string> = {}) {
  const run = spawnSync('bash', [path.join(OPS, script)], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

// The shared clamd of ops/clamav, started (idempotently) when this file is
// collected. In CI a clamd that cannot start fails the suite; elsewhere the
// suite is skipped with the reason.
const shared = ops('start.sh');
if (!shared.ok && process.env.CI === 'true') throw new Error(`clamd could not be started:\n${shared.output}`);
if (!shared.ok) console.warn(`skipping clamd integration tests, clamd did not start:\n${shared.output}`);
const describeWithClamd = shared.ok ? describe : describe.skip;

describeWithClamd('clamd engine on the real clamd', () => {
  describeScanEngineContract('clamd over TCP', () => createClamdEngine({ address: { host: '127.0.0.1', port: PORT } }));
  describeScanEngineContract('clamd over its unix socket', () =>
    createClamdEngine({
      address: { socketPath: path.join(process.env.CLAMD_RUN_DIR ?? defaultRunDir(), 'clamd.sock') },
    }),
  );

  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mxhub-clamd-int-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, content: Buffer) => {
    const target = path.join(dir, name);
    await writeFile(target, content);
    return target;
  };

  it('looks inside archives: zipped EICAR is detected', async () => {
    const engine = createClamdEngine({ address: { host: '127.0.0.1', port: PORT } });
    const zipped = zip([{ name: 'readme.txt', data: eicar() }]);
    expect(await engine.scanFile(await file('eicar.zip', zipped))).toMatchObject({ outcome: 'infected' });
  });

  it('does not clear an encrypted archive', async () => {
    const engine = createClamdEngine({ address: { host: '127.0.0.1', port: PORT } });
    const encrypted = zip([{ name: 'clip.mxf', data: Buffer.alloc(4096, 1), encrypted: true, method: 'store' }]);
    const verdict = await engine.scanFile(await file('encrypted.zip', encrypted));
    expect(verdict).toMatchObject({ outcome: 'error', signature: expect.stringMatching(/^Heuristics\.Encrypted/) });
  });

  it('scans in overlapping parts: EICAR deep in a large file and across a part boundary', async () => {
    const engine = createClamdEngine({
      address: { host: '127.0.0.1', port: PORT },
      partSize: 64 * 1024,
      overlap: 1024,
    });
    const deep = Buffer.concat([mp4Head(), Buffer.alloc(200 * 1024, 0x20), eicar(), Buffer.alloc(100 * 1024, 0x20)]);
    expect(await engine.scanFile(await file('deep.mp4', deep))).toMatchObject({
      outcome: 'infected',
      reason: expect.stringMatching(/part \d\/5/),
    });
    const straddling = Buffer.concat([Buffer.alloc(64 * 1024 - 30, 0x20), eicar(), Buffer.alloc(100 * 1024, 0x20)]);
    expect(await engine.scanFile(await file('straddling.bin', straddling))).toMatchObject({ outcome: 'infected' });
    const clean = Buffer.concat([mp4Head(), Buffer.alloc(300 * 1024, 0x33)]);
    expect(await engine.scanFile(await file('clean.mp4', clean))).toMatchObject({
      outcome: 'clean',
      bytesCovered: clean.length,
    });
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// A private clamd (own port and run dir) so that stopping it cannot disturb
// other suites using the shared one.
describeWithClamd('clamd engine when clamd goes down and comes back', () => {
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mxhub-clamd-'));
    env = { CLAMD_PORT: String(await freePort()), CLAMD_RUN_DIR: path.join(dir, 'run') };
    const started = ops('start.sh', env);
    if (!started.ok) throw new Error(started.output);
  });
  afterAll(async () => {
    ops('stop.sh', env);
    await rm(dir, { recursive: true, force: true });
  });

  it('gives "not cleared" while clamd is stopped and works again once restarted, with the same engine', async () => {
    const engine = createClamdEngine({
      address: { host: '127.0.0.1', port: Number(env.CLAMD_PORT) },
      commandTimeoutMs: 2000,
    });
    const sample = path.join(dir, 'sample.mxf');
    await writeFile(sample, eicar());
    expect(await engine.scanFile(sample)).toMatchObject({ outcome: 'infected' });

    expect(ops('stop.sh', env).ok).toBe(true);
    expect(ops('stop.sh', env).output).toContain('not running');
    expect(await engine.ping()).toBe(false);
    const down = await engine.scanFile(sample);
    expect(down).toMatchObject({ engine: 'clamav', outcome: 'error', reason: expect.stringContaining('unreachable') });

    expect(ops('start.sh', env).ok).toBe(true);
    expect(ops('start.sh', env).output).toContain('already answering');
    expect(await engine.scanFile(sample)).toMatchObject({ outcome: 'infected' });
  });
});
