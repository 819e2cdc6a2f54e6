import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync, renameSync } from 'node:fs';
import { closeSync, fstatSync, watch, writeSync, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBroker, sharedBroker } from '../../integration/backbone/support';
import type { TestDatabase } from '../../support/pg';
import { pingRedis, REDIS_URL } from './redis';
import { ADMIN_TOKEN, ensureSharedClamd, readEvents, type EventJson, type ScreeningHub } from '../screening/support';

/** PostgreSQL is checked by createTestDatabase; Kafka, clamd and Redis here. A missing one fails, never skips. */
export async function ensureProductionServices(redisUrl = REDIS_URL): Promise<void> {
  await ensureBroker();
  await ensureSharedClamd();
  if (!(await pingRedis(redisUrl))) throw new Error(`Redis does not answer at ${redisUrl} (MXHUB_TEST_REDIS_URL)`);
}

/** A unique name for this test's Redis keys and Kafka topics. */
export const uniqueName = (what: string) => `mxe2e-${what}-${process.pid}-${randomBytes(4).toString('hex')}`;

/** Config keys of the production profile: a fresh database, this test's own Redis prefix and topics. */
export function productionKeys(db: TestDatabase, prefix: string, redisUrl = REDIS_URL): Record<string, unknown> {
  return {
    profile: 'production',
    database: { url: db.url },
    redis: { url: redisUrl, prefix },
    kafka: { brokers: [sharedBroker.broker], topicPrefix: `${prefix}.` },
    checkpoints: { intervalMs: 1000 },
  };
}

/** Calls the hub's API as admin; fails naming the method, path, status and body unless the answer is 2xx. */
export async function api<T>(h: ScreeningHub, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${h.hub.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface TransferJson {
  id: string;
  assetId: string;
  targetNetwork: string;
  state: string;
  lane: string;
  priority: number;
  step: string | null;
  bytesTotal: number | null;
  bytesDone: number;
  attempts: number;
  error: string | null;
  path: string | null;
}

/** Every transfer matching `query`, following `next`. */
export async function listTransfers(h: ScreeningHub, query = ''): Promise<TransferJson[]> {
  const out: TransferJson[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams(query);
    q.set('limit', '100');
    if (cursor) q.set('cursor', cursor);
    const page: { items: TransferJson[]; next: string | null } = await api(h, 'GET', `/v1/transfers?${q}`);
    out.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return out;
}

/** "succeeded: 3, running: 2" and the errors of failed ones. */
export function describeTransfers(ts: TransferJson[]): string {
  const counts = new Map<string, number>();
  for (const t of ts) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  const errors = ts.filter((t) => t.error).map((t) => `  ${t.id} ${t.state} step=${t.step}: ${t.error}`);
  return `${ts.length} transfers (${[...counts].map(([s, n]) => `${s}: ${n}`).join(', ')})\n${errors.slice(0, 20).join('\n')}`;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** Polls until `count` transfers into `network` exist and all are terminal; fails saying what was reached. */
export async function waitForTransfers(
  h: () => ScreeningHub,
  count: number,
  timeoutMs: number,
  network = 'broadcast',
): Promise<TransferJson[]> {
  const deadline = Date.now() + timeoutMs;
  let last: TransferJson[] = [];
  for (;;) {
    last = await listTransfers(h(), `network=${network}`).catch(() => last);
    if (last.length >= count && last.every((t) => TERMINAL.has(t.state))) return last;
    if (Date.now() > deadline) {
      throw new Error(
        `expected ${count} terminal transfers to ${network} in ${timeoutMs} ms; ${describeTransfers(last)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Events of the given types, in global order. */
export const eventsOf = (h: ScreeningHub, ...types: string[]): Promise<EventJson[]> =>
  readEvents(h, `type=${types.join(',')}`);

export interface SourceFile {
  name: string;
  sha256: string;
  size: number;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const bases = new Map<number, string>();

/** A WAV of `seconds` of 48 kHz stereo PCM (~192 KB/s), made by ffmpeg once per size and process. */
function baseWav(seconds: number): string {
  const known = bases.get(seconds);
  if (known) return known;
  const dir = join(tmpdir(), `mxhub-transfer-media-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `base-${seconds}.wav`);
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
  ];
  const codec = ['-t', String(seconds), '-ac', '2', '-c:a', 'pcm_s16le', '-map_metadata', '-1', '-fflags', '+bitexact'];
  try {
    execFileSync('ffmpeg', [...args, ...codec, out], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`ffmpeg could not write ${out} (apt-get install -y ffmpeg): ${String(err)}`);
  }
  bases.set(seconds, out);
  return out;
}

/**
 * Drops a valid, unique WAV of `seconds` into `dropDir` under `name`. It is
 * the shared base with its last 8 sample bytes replaced (the data chunk ends
 * the file), written beside the drop folder and renamed in, so the connector
 * never sees it half written.
 */
export async function dropWav(dropDir: string, name: string, seconds: number): Promise<SourceFile> {
  mkdirSync(dropDir, { recursive: true });
  const staging = join(dropDir, '..', '..', '..', '.e2e-sources');
  mkdirSync(staging, { recursive: true });
  const tmp = join(staging, name);
  copyFileSync(baseWav(seconds), tmp);
  const fd = openSync(tmp, 'r+');
  const size = fstatSync(fd).size;
  writeSync(fd, randomBytes(8), 0, 8, size - 8);
  closeSync(fd);
  const sha256 = await sha256File(tmp);
  renameSync(tmp, join(dropDir, name));
  return { name, sha256, size };
}

/** Every name that ever appears in a folder, seen by inotify and by polling; `stop()` resolves with them. */
export function watchNames(dir: string, everyMs = 25): { stop(): Set<string> } {
  mkdirSync(dir, { recursive: true });
  const seen = new Set<string>();
  const poll = () => {
    if (existsSync(dir)) for (const n of readdirSync(dir)) seen.add(n);
  };
  let watcher: FSWatcher | undefined = watch(dir, (_event, name) => name && seen.add(name.toString()));
  watcher.on('error', () => undefined);
  const timer = setInterval(poll, everyMs);
  return {
    stop() {
      clearInterval(timer);
      watcher?.close();
      watcher = undefined;
      poll();
      return seen;
    },
  };
}

/** What inbox/ must hold for delivered sources: each file once and its `<base>.xml`, nothing else. */
export async function checkInbox(inbox: string, sources: SourceFile[]): Promise<string[]> {
  const problems: string[] = [];
  const present = new Set(existsSync(inbox) ? readdirSync(inbox) : []);
  const expected = new Set(sources.flatMap((s) => [s.name, s.name.replace(/\.[^.]+$/, '.xml')]));
  for (const n of present) if (!expected.has(n)) problems.push(`unexpected ${n} in inbox (duplicate or partial)`);
  for (const n of expected) if (!present.has(n)) problems.push(`${n} missing from inbox`);
  for (const s of sources) {
    if (!present.has(s.name)) continue;
    const got = await sha256File(join(inbox, s.name));
    if (got !== s.sha256) problems.push(`${s.name}: SHA-256 ${got}, source ${s.sha256}`);
  }
  return problems;
}
