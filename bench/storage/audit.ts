// Fixity audit: how fast the store's auditor re-hashes a node's replicas, against `sha256sum` of the same
// files in the same run (issue 13, bench/storage).
//
//   node bin/run-ts.js bench/storage/audit.ts [--files 16] [--mib 64] [--rounds 3]
//
// `--files` replicas of `--mib` each on one node, catalogued through the store's projection as the hub does;
// the auditor runs with no speed cap (`storage.audit.mbps` set far above the disk) and audits all of them
// (`POST /v1/nodes/{id}/audit`'s path: every replica, one event each). The baseline is one `sha256sum` process
// given every file. Both read the page cache (the files were just written, and each side reads them every
// round); rounds alternate which goes first and the best of each counts.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import pino from 'pino';
import { createProjectionRunner } from '../../events/projections';
import { createPGliteEventStore } from '../../events/store/adapters/pglite';
import { createPGliteSql } from '../../lib/db/adapters/pglite';
import { uuidv7 } from '../../lib/ids';
import { migrateLatest } from '../../migrations/run';
import { createAuditor } from '../../services/store/audit/auditor';
import { createPacer } from '../../services/store/audit/paced-hash';
import { storeProjection } from '../../services/store/read-model/projection';
import { createReplicaQueries } from '../../services/store/read-model/queries';

const { values: args } = parseArgs({
  options: {
    files: { type: 'string', default: '16' },
    mib: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '3' },
  },
});
const FILES = Number(args.files);
const MIB = Number(args.mib);
const ROUNDS = Number(args.rounds);
const run = promisify(execFile);
const logger = pino({ level: 'silent' });

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'mxhub-bench-audit-'));
  const sql = await createPGliteSql();
  await migrateLatest(sql);
  const store = createPGliteEventStore(sql);
  const files: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const assetId = uuidv7();
    const bytes = randomBytes(MIB * 1024 * 1024);
    const path = join(root, '.mxhub', 'staging', assetId, `clip-${i}.mxf`);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, bytes);
    files.push(path);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const meta = { correlationId: assetId, causationId: assetId, actor: 'bench', occurredAt: new Date().toISOString() };
    const event = (type: string, data: object) => ({ id: uuidv7(), type, data: { assetId, ...data }, metadata: meta });
    await store.append(`asset-${assetId}`, [
      event('AssetDetected', {
        sourceNetwork: 'news',
        targets: [],
        originalName: `clip-${i}.mxf`,
        sizeBytes: bytes.length,
      }),
      event('AssetIngested', { stagedPath: path, sizeBytes: bytes.length, sha256 }),
      event('AssetCleared', { targets: [] }),
      event('ReplicaStored', { network: 'news', path, sha256, kind: 'origin', sizeBytes: bytes.length }),
    ]);
  }
  await createProjectionRunner({ sql, store, projections: [storeProjection], logger }).catchUp();
  const auditor = createAuditor(
    {
      store,
      queries: createReplicaQueries(sql),
      networks: [{ id: 'news', root }],
      isUp: () => true,
      pacer: createPacer(1e12),
      logger,
    },
    { intervalHours: 1 },
  );
  const total = FILES * MIB * 1024 * 1024;

  const timeAudit = async () => {
    const t = performance.now();
    const report = await auditor.audit('news', { actor: 'bench', correlationId: uuidv7(), all: true }).done;
    if (report.checked !== FILES || report.verified !== FILES) {
      throw new Error(`the audit checked ${report.checked} and verified ${report.verified}, not ${FILES}`);
    }
    return performance.now() - t;
  };
  const timeSha256sum = async () => {
    const t = performance.now();
    const { stdout } = await run('sha256sum', files, { maxBuffer: 16 * 1024 * 1024 });
    if (stdout.trim().split('\n').length !== FILES) throw new Error('sha256sum did not hash every file');
    return performance.now() - t;
  };
  const sides = { audit: timeAudit, sha256sum: timeSha256sum };
  const best = { audit: Infinity, sha256sum: Infinity };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? (['audit', 'sha256sum'] as const) : (['sha256sum', 'audit'] as const);
    for (const side of order) {
      const ms = await sides[side]();
      best[side] = Math.min(best[side], ms);
      console.log(`round ${r + 1}: ${side} ${(ms / 1000).toFixed(2)} s`);
    }
  }
  const mbps = (ms: number) => total / 1e6 / (ms / 1000);
  console.log(
    `${FILES} replicas of ${MIB} MiB, best of ${ROUNDS}: audit ${mbps(best.audit).toFixed(0)} MB/s, ` +
      `sha256sum ${mbps(best.sha256sum).toFixed(0)} MB/s; ratio audit / sha256sum ${(best.sha256sum / best.audit).toFixed(2)}`,
  );
  await sql.close();
  await rm(root, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
