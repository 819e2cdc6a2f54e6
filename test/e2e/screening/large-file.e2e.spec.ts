import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN_TOKEN,
  dropDir,
  ensureSharedClamd,
  readEvents,
  startScreeningHub,
  waitForOutcomes,
  writeHubConfig,
  type EventJson,
  type ScreeningHub,
} from './support';

/*
 * A large file is claimed, hashed, scanned by clamd and YARA-X and analysed
 * while the hub keeps answering: the main thread only moves bytes, the
 * hashing and the native scan run on worker threads (issue 12 item 1).
 * Before that, YARA-X held the main thread about 4 s per GiB scanned.
 *
 * The bound is 50 ms for /health/live during the scan: the probes
 * counted are those between the intrusion stage's verdict and the antivirus
 * stage's (the claim and the appends before, the embedded database's WASM
 * work, are not this test's subject). Asserted: the median probe answers in
 * under 50 ms, and no probe and no event-loop delay the hub itself measured
 * (prom-client's monitorEventLoopDelay, max per scrape) reaches 1 s, which
 * one stall of the old kind (some 1.5 s for 384 MiB) would. Not asserted:
 * the tail. On the shared two-core machine at load 7 to 11 the 95th
 * percentile was 97 to 160 ms (idle hub, same minute: 45 to 80 ms): the main
 * thread, which still streams the file to clamd, competes for two cores with
 * clamd, the YARA-X worker and the other suites.
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

  it('answers /health/live in under 50 ms while clamd and YARA-X scan a 384 MiB WAV', async () => {
    h = await startScreeningHub(join(dir, 'hub'), writeHubConfig(dir));
    const file = join(dir, 'long-take.wav');
    await writeLargeWav(file, BYTES);
    const probe = async (url: string) => {
      const started = performance.now();
      await (await fetch(url)).text();
      return performance.now() - started;
    };
    // The first request warms the route up; the idle figures (shown beside the others on a failure) start after it.
    await probe(`${h.hub.url}/health/live`);
    const idle: number[] = [];
    for (let n = 0; n < 30; n += 1) {
      idle.push(await probe(`${h.hub.url}/health/live`));
      await new Promise((r) => setTimeout(r, 100));
    }
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const lagMaxMs = async () => {
      const metrics = await (await fetch(`${h!.hub.url}/metrics`, { headers: auth })).text();
      const max = /^mxhub_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(metrics);
      return max ? Number(max[1]) * 1000 : NaN;
    };
    // A scrape resets the hub's delay histogram: what start-up did is not counted.
    await lagMaxMs();
    const probes: Array<{ at: number; ms: number }> = [];
    const lags: Array<{ at: number; ms: number }> = [];
    let screening = true;
    const probing = (async () => {
      for (let n = 0; screening; n += 1) {
        const at = Date.now();
        probes.push({ at, ms: await probe(`${h!.hub.url}/health/live`) });
        if (n % 10 === 9) lags.push({ at: Date.now(), ms: await lagMaxMs() });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    mkdirSync(dropDir(h.dataDir, 'broadcast'), { recursive: true });
    renameSync(file, join(dropDir(h.dataDir, 'broadcast'), 'long-take.wav'));
    const [asset] = await waitForOutcomes(h, ['long-take.wav'], 240_000).finally(() => (screening = false));
    await probing;
    expect(asset).toMatchObject({ originalName: 'long-take.wav', state: 'cleared' });

    const verdicts = (await readEvents(h, 'type=AssetScreened')) as Array<
      EventJson & { metadata: { occurredAt: string } }
    >;
    const verdictAt = (stage: string) =>
      Date.parse(
        verdicts.find((e) => e.data.assetId === asset!.assetId && e.data.stage === stage)!.metadata.occurredAt,
      );
    const [from, to] = [verdictAt('intrusion'), verdictAt('antivirus')];
    const during = probes.filter((p) => p.at >= from && p.at + p.ms <= to).map((p) => p.ms);
    // A scrape covers the second before it.
    const lagMax = lags.filter((l) => l.at - 1000 >= from && l.at <= to).map((l) => l.ms);
    const ms = (xs: number[]) => xs.map(Math.round);
    const seen = { idle: ms(idle), during: ms(during), lagMax: ms(lagMax), scanMs: to - from };
    expect(during.length).toBeGreaterThan(15);
    expect(lagMax.length).toBeGreaterThan(0);
    expect({
      median: percentile(during, 0.5) < 50,
      max: Math.max(...during) < 1000,
      lag: Math.max(...lagMax) < 1000,
      seen,
    }).toEqual({ median: true, max: true, lag: true, seen });
  }, 300_000);
});
