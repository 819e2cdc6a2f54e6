import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, parse } from 'node:path';
import { startHub, type HubProcess } from '../../support/hub-process';
import { EICAR_MARKERS, LAUGHS_MARKER, PASSWD_MARKER, sha256, type Sample } from '../../support/media-corpus';

const repo = join(__dirname, '..', '..', '..');

/** The clamd that ops/test-services.js starts for the whole suite. */
export const SHARED_CLAMD_PORT = Number(process.env.CLAMD_PORT ?? 13310);

/** One PING; true on PONG. */
export function pingClamd(port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('connect', () => socket.write('nPING\n'));
    socket.on('data', (c: Buffer) => {
      reply += c.toString();
      if (reply.includes('\n')) done(reply.trim() === 'PONG');
    });
    socket.on('error', () => done(false));
  });
}

/** Runs ops/clamav/start.sh or stop.sh for the clamd on `port` (its own run dir). */
export function clamdScript(script: 'start' | 'stop', port: number): Promise<void> {
  const env = { ...process.env, CLAMD_PORT: String(port) };
  return new Promise((resolve, reject) => {
    execFile('bash', [join(repo, 'ops/clamav', `${script}.sh`)], { env }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`ops/clamav/${script}.sh (port ${port}) failed: ${err.message}\n${stdout}\n${stderr}`))
        : resolve(),
    );
  });
}

/**
 * Makes sure the suite's clamd answers. Locally it is started (start.sh is
 * idempotent); in CI ops/test-services.js must have started it, and a missing
 * clamd fails the test, never skips it.
 */
export async function ensureSharedClamd(): Promise<void> {
  if (process.env.CI !== 'true') await clamdScript('start', SHARED_CLAMD_PORT);
  if (!(await pingClamd(SHARED_CLAMD_PORT))) {
    throw new Error(
      `clamd does not answer on 127.0.0.1:${SHARED_CLAMD_PORT} (CI starts it with node ops/test-services.js up)`,
    );
  }
}

export interface HubConfigOptions {
  clamdPort?: number;
  retryUnavailableMs?: number;
  concurrency?: number;
  /** Merged over the embedded defaults (production keys, checkpoints...). */
  extra?: Record<string, unknown>;
}

/**
 * A config file for a screening hub: both engines named (so the hub refuses
 * to start without clamd instead of silently scanning with YARA-X alone),
 * short stability and sidecar waits so tests do not idle.
 */
export function writeHubConfig(dir: string, options: HubConfigOptions = {}): string {
  const file = join(dir, `config-${randomBytes(4).toString('hex')}.json`);
  const config = {
    connectors: { stabilityMs: 300, sidecarWaitMs: 1000 },
    screening: {
      engines: ['clamav', 'yara-x'],
      clamd: { host: '127.0.0.1', port: options.clamdPort ?? SHARED_CLAMD_PORT },
      retryUnavailableMs: options.retryUnavailableMs ?? 500,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    },
    ...options.extra,
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

export interface ScreeningHub {
  hub: HubProcess;
  dataDir: string;
  get<T>(path: string): Promise<T>;
  /** Everything the hub printed so far. */
  logs(): string;
}

export const ADMIN_TOKEN = `e2e-${randomBytes(16).toString('hex')}`;

export async function startScreeningHub(dataDir: string, config: string): Promise<ScreeningHub> {
  const hub = await startHub(['--data', dataDir, '--config', config], { MXHUB_ADMIN_TOKEN: ADMIN_TOKEN });
  return {
    hub,
    dataDir,
    async get<T>(path: string): Promise<T> {
      const res = await fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const body = await res.text();
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${body}`);
      return JSON.parse(body) as T;
    },
    logs: () => hub.logs.join(''),
  };
}

/** kill -9: no shutdown hook runs. */
export function killHard(hub: HubProcess): Promise<void> {
  return new Promise((resolve) => {
    if (hub.child.exitCode !== null || hub.child.signalCode !== null) return resolve();
    hub.child.once('exit', () => resolve());
    hub.child.kill('SIGKILL');
  });
}

export const dropDir = (dataDir: string, target: string, network = 'news') =>
  join(dataDir, 'networks', network, 'drop', target);

/** Writes samples (and their sidecars) into the news network's drop folders. */
export function dropSamples(dataDir: string, samples: Sample[], network = 'news'): void {
  for (const s of samples) {
    const dir = dropDir(dataDir, s.target, network);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, s.name), s.data);
    if (s.sidecar) writeFileSync(join(dir, `${parse(s.name).name}.xml`), s.sidecar);
  }
}

export interface EngineVerdictJson {
  engine: string;
  engineVersion: string;
  signatureVersion: string;
  bytesCovered: number;
  outcome: string;
}

export interface AssetJson {
  assetId: string;
  state: string;
  originalName: string;
  sha256: string;
  sourceNetwork: string;
  targets: string[];
  verdicts?: unknown;
  technical?: Record<string, unknown>;
  quarantine?: Record<string, unknown> | null;
  sidecar?: Record<string, unknown> | null;
}

export interface EventJson {
  id: string;
  streamId: string;
  version: number;
  position: string;
  type: string;
  data: Record<string, unknown>;
}

/** Every asset, following the cursor. */
export async function listAssets(h: ScreeningHub, query = ''): Promise<AssetJson[]> {
  const out: AssetJson[] = [];
  let cursor: string | null | undefined;
  do {
    const q = new URLSearchParams(query);
    q.set('limit', '100');
    if (cursor) q.set('cursor', cursor);
    const page = await h.get<{ items: AssetJson[]; nextCursor?: string | null }>(`/v1/assets?${q}`);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Every event of the global log matching `query`, following `next`. */
export async function readEvents(h: ScreeningHub, query = ''): Promise<EventJson[]> {
  const out: EventJson[] = [];
  let after = '0';
  for (;;) {
    const q = new URLSearchParams(query);
    q.set('limit', '1000');
    q.set('after', after);
    const page = await h.get<{ items: EventJson[]; next: string | null }>(`/v1/events?${q}`);
    out.push(...page.items);
    if (!page.next) return out;
    after = page.next;
  }
}

export interface QuarantineItem {
  assetId: string;
  originalName: string;
  sha256: string;
  sourceNetwork: string;
  targets: string[];
  stage: string;
  rule: string;
  reason: string;
}

/** Every item of /v1/quarantine, following the cursor if the listing pages. */
export async function listQuarantine(h: ScreeningHub): Promise<QuarantineItem[]> {
  const out: QuarantineItem[] = [];
  let cursor: string | null | undefined;
  do {
    const page = await h.get<{ items: QuarantineItem[]; nextCursor?: string | null }>(
      `/v1/quarantine${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export const streamOf = async (h: ScreeningHub, assetId: string) =>
  (await h.get<{ items: EventJson[] }>(`/v1/streams/asset-${assetId}`)).items;

/** Once cleared, an asset's state goes on to say where it went; for screening it is still cleared. */
const DELIVERY_STATES = new Set(['delivered', 'partially-delivered', 'delivery-failed']);
/** The screening outcome an asset state stands for. */
export const screeningOutcome = (state: string) => (DELIVERY_STATES.has(state) ? 'cleared' : state);
const FINAL = new Set(['cleared', 'quarantined']);

/**
 * Polls /v1/assets until an asset for each name is cleared or quarantined
 * (delivered counts as cleared), then resolves with every asset's detail
 * (GET /v1/assets/{id}) with `state` as the screening outcome and the state
 * the hub reported in `reportedState`.
 * On time-out, fails naming what each sample had reached.
 */
export async function waitForOutcomes(
  h: ScreeningHub,
  names: string[],
  timeoutMs = 90_000,
): Promise<Array<AssetJson & { reportedState: string }>> {
  const deadline = Date.now() + timeoutMs;
  let assets: AssetJson[] = [];
  for (;;) {
    assets = await listAssets(h);
    const done = names.every((n) => assets.some((a) => a.originalName === n && FINAL.has(screeningOutcome(a.state))));
    // The listing carries summaries; verdicts, technical metadata and quarantine facts are in each asset's detail.
    if (done) {
      const details = await Promise.all(assets.map((a) => h.get<AssetJson>(`/v1/assets/${a.assetId}`)));
      return details.map((d) => ({ ...d, state: screeningOutcome(d.state), reportedState: d.state }));
    }
    if (Date.now() > deadline) {
      const report = names.map((n) => {
        const found = assets.filter((a) => a.originalName === n).map((a) => a.state);
        return `  ${JSON.stringify(n)}: ${found.length ? found.join(', ') : 'no asset (not ingested)'}`;
      });
      throw new Error(`not every asset reached cleared/quarantined within ${timeoutMs} ms:\n${report.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Polls until `check` holds; fails with `what` and the last `describe()`. */
export async function until(
  check: () => Promise<boolean>,
  what: string,
  describe: () => Promise<string> | string = () => '',
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms; ${await describe()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every engine verdict found anywhere in an asset's JSON (the read model's shape may nest them by stage). */
export function engineVerdicts(value: unknown): EngineVerdictJson[] {
  if (Array.isArray(value)) return value.flatMap(engineVerdicts);
  if (typeof value !== 'object' || value === null) return [];
  const o = value as Record<string, unknown>;
  if (typeof o.engine === 'string' && 'bytesCovered' in o) return [o as unknown as EngineVerdictJson];
  return Object.values(o).flatMap(engineVerdicts);
}

/** Files under every network's inbox/, with their digests. */
export function inboxFiles(dataDir: string): Array<{ path: string; sha256: string }> {
  const out: Array<{ path: string; sha256: string }> = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: p, sha256: sha256(readFileSync(p)) });
    }
  };
  const networks = join(dataDir, 'networks');
  for (const n of existsSync(networks) ? readdirSync(networks) : []) walk(join(networks, n, 'inbox'));
  return out;
}

/** Fails naming the marker and where it leaked (file content, XXE or entity expansion). */
export function expectNoLeaks(text: string, where: string): void {
  for (const marker of [...EICAR_MARKERS, PASSWD_MARKER, LAUGHS_MARKER]) {
    if (text.includes(marker) || text.includes(JSON.stringify(marker).slice(1, -1))) {
      throw new Error(`${where} contains ${JSON.stringify(marker)}: file content or entity expansion leaked`);
    }
  }
}
