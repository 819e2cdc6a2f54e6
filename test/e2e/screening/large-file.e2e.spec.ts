import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN_TOKEN,
  dropDir,
  ensureSharedClamd,
  startScreeningHub,
  waitForOutcomes,
  writeHubConfig,
  type ScreeningHub,
} from './support';

/*
 * A large file is claimed, hashed, scanned by clamd and YARA-X and analysed
 * while the hub keeps answering: the main thread only moves bytes, the
 * hashing and the native scan run on worker threads (issue 12 item 1).
 * Before that, YARA-X held the main thread about 4 s per GiB scanned.
 *
 * The issue's bound is 50 ms for /health/live. On the shared two-core
 * machine (load 9 to 11 while others' suites run) even an idle hub misses it
 * now and then, for want of a core, so the probes of the idle hub just
 * before the drop are the yardstick: during the scan the median answers in
 * under 50 ms, the 95th percentile under 50 ms or under twice the idle one,
 * and no probe and no event-loop delay the hub itself measured (prom-client's
 * monitorEventLoopDelay, max per scrape) reaches 1 s, which one stall of the
 * old kind (some 1.5 s for 384 MiB) would.
 */
const BYTES = 384 * 2 ** 20;

/** A PCM WAV header over `bytes` of random samples (random: no engine cache has seen them). */
async function writeLargeWav(file: string, bytes: number): Promise<void> {
  const header = Buffer.alloc(44);
  header.write('RIFFxxxxWAVEfmt ', 0, 'latin1');
  header.writeUInt32LE(bytes - 8, 4);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(48000, 24);
  header.writeUInt32LE(192000, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(bytes - 44, 40);
  const fh = await open(file, 'w');
  try {
    await fh.write(header);
    const block = Buffer.alloc(16 * 2 ** 20);
    for (let at = 44; at < bytes; at += block.length) {
      randomFillSync(block);
      await fh.write(block, 0, Math.min(block.length, bytes - at));
    }
  } finally {
    await fh.close();
  }
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!;

describe('a large file screened while the hub answers', () => {
  let h: ScreeningHub | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mxhub-large-'));

  beforeAll(async () => {
    await ensureSharedClamd();
  });
  afterAll(async () => {
    if (h && h.hub.child.exitCode === null) await h.hub.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /health/live in under 50 ms while a 384 MiB WAV is claimed, scanned and analysed', async () => {
    h = await startScreeningHub(join(dir, 'hub'), writeHubConfig(dir));
    const file = join(dir, 'long-take.wav');
    await writeLargeWav(file, BYTES);
    const probe = async (url: string) => {
      const started = performance.now();
      await (await fetch(url)).text();
      return performance.now() - started;
    };
    const idle: number[] = [];
    for (let n = 0; n < 30; n += 1) {
      idle.push(await probe(`${h.hub.url}/health/live`));
      await new Promise((r) => setTimeout(r, 100));
    }
    const probes: number[] = [];
    const lagMax: number[] = [];
    let screening = true;
    const probing = (async () => {
      for (let n = 0; screening; n += 1) {
        probes.push(await probe(`${h!.hub.url}/health/live`));
        if (n % 10 === 9) {
          const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
          const metrics = await (await fetch(`${h!.hub.url}/metrics`, { headers: auth })).text();
          const max = /^mxhub_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(metrics);
          if (max) lagMax.push(Number(max[1]) * 1000);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    mkdirSync(dropDir(h.dataDir, 'broadcast'), { recursive: true });
    renameSync(file, join(dropDir(h.dataDir, 'broadcast'), 'long-take.wav'));
    const [asset] = await waitForOutcomes(h, ['long-take.wav'], 240_000).finally(() => (screening = false));
    await probing;

    expect(asset).toMatchObject({ originalName: 'long-take.wav', state: 'cleared' });
    const ms = (xs: number[]) => xs.map(Math.round);
    const seen = { idle: ms(idle), during: ms(probes), lagMax: ms(lagMax) };
    expect(probes.length).toBeGreaterThan(20);
    expect(lagMax.length).toBeGreaterThan(1);
    expect({
      median: percentile(probes, 0.5) < 50,
      p95: percentile(probes, 0.95) < Math.max(50, 2 * percentile(idle, 0.95)),
      max: Math.max(...probes) < 1000,
      lag: Math.max(...lagMax) < 1000,
      seen,
    }).toEqual({ median: true, p95: true, max: true, lag: true, seen });
  }, 300_000);
});
