import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createPGliteEventStore } from '../../events/store/adapters/pglite';
import type { EventStore } from '../../events/store/event-store';
import { uuidv7 } from '../../lib/ids';
import { createInProcessWorkQueue } from '../../lib/work-queue/adapters/in-process';
import { isRetryLater, type Job } from '../../lib/work-queue/work-queue';
import { createTestSql, type TestSql } from '../../test/support/pg';
import type { Analyzer } from './analysis/analyze';
import { createCustody } from './custody';
import type { Stage } from '../../domain/asset/asset';
import { createScreeningProcessManager, type ScreeningJob } from './process-manager';
import { createScreeningCommands } from './commands';
import { createScreeningStages, type ScreeningStages, type StageOutcome, type StageSubject } from './stages';

const logger = pino({ level: 'silent' });
const pass: StageOutcome = { kind: 'verdict', verdict: { passed: true } };

/** Stages answering from a script; counts the runs of each stage. */
function scripted(answer: (stage: Stage, subject: StageSubject) => StageOutcome | Promise<StageOutcome> = () => pass) {
  const runs: Stage[] = [];
  const stages: ScreeningStages = {
    run: async (stage, subject) => {
      runs.push(stage);
      return answer(stage, subject);
    },
  };
  return { stages, runs };
}

const job = (assetId: string): Job<ScreeningJob> => ({
  id: `screen.${assetId}`,
  data: { assetId },
  attempt: 1,
  progress: async () => undefined,
});

describe('screening process manager', () => {
  let db: TestSql;
  let store: EventStore;
  let root: string;
  const network = () => ({ id: 'news', root });

  beforeAll(async () => {
    db = await createTestSql('pglite');
    store = createPGliteEventStore(db.sql);
    root = await mkdtemp(join(tmpdir(), 'mxhub-pm-'));
  });
  afterAll(async () => {
    await db.dispose();
    await rm(root, { recursive: true, force: true });
  });

  /** An asset as the connector leaves it: the file in staging and the opening events. */
  async function ingested(name = 'clip.mxf', sidecar?: Record<string, unknown>): Promise<string> {
    const assetId = uuidv7();
    const staging = join(root, '.mxhub', 'staging', assetId);
    await mkdir(staging, { recursive: true });
    await writeFile(join(staging, name), 'media bytes');
    const meta = {
      correlationId: assetId,
      causationId: assetId,
      actor: 'connector:news',
      occurredAt: new Date().toISOString(),
    };
    const base = { assetId };
    await store.append(
      `asset-${assetId}`,
      [
        {
          id: uuidv7(),
          type: 'AssetDetected',
          data: {
            ...base,
            sourceNetwork: 'news',
            targets: ['broadcast', 'archive'],
            originalName: name,
            sizeBytes: 11,
          },
          metadata: meta,
        },
        {
          id: uuidv7(),
          type: 'AssetIngested',
          data: { ...base, stagedPath: join(staging, name), sizeBytes: 11, sha256: 'c'.repeat(64) },
          metadata: meta,
        },
        ...(sidecar ? [{ id: uuidv7(), type: 'SidecarParsed', data: { ...base, sidecar }, metadata: meta }] : []),
      ],
      'no_stream',
    );
    return assetId;
  }

  const manager = (stages: ScreeningStages) =>
    createScreeningProcessManager(
      {
        store,
        queue: createInProcessWorkQueue<ScreeningJob>('screening'),
        stages,
        custody: createCustody([network()]),
        logger,
      },
      { retryUnavailableMs: 10 },
    );
  const types = async (assetId: string) => (await store.readStream(`asset-${assetId}`)).map((e) => e.type);

  it('runs every stage in order, one verdict event each, then clears', async () => {
    const assetId = await ingested();
    const { stages, runs } = scripted();
    await manager(stages).screen(job(assetId));
    expect(runs).toEqual(['whitelist', 'intrusion', 'antivirus', 'analysis']);
    expect(await types(assetId)).toEqual([
      'AssetDetected',
      'AssetIngested',
      'AssetScreened',
      'AssetScreened',
      'AssetScreened',
      'AssetScreened',
      'AssetCleared',
      // Clearing records the origin copy as a replica (issue 13).
      'ReplicaStored',
    ]);
    const events = await store.readStream(`asset-${assetId}`);
    expect(
      events.slice(2).every((e) => e.metadata.actor === 'service:screening' && e.metadata.correlationId === assetId),
    ).toBe(true);
  });

  it('runs the sidecar agreement last for an asset with a sidecar', async () => {
    const assetId = await ingested('urgent.mxf', { title: 'Breaking', priority: 10 });
    const { stages, runs } = scripted();
    await manager(stages).screen(job(assetId));
    expect(runs.at(-1)).toBe('sidecar');
  });

  it('a refusal moves media and sidecar to quarantine before the event records the path', async () => {
    const assetId = await ingested('evil.mxf');
    await writeFile(join(root, '.mxhub', 'staging', assetId, 'evil.xml'), '<sidecar/>');
    const { stages } = scripted((stage) =>
      stage === 'intrusion'
        ? { kind: 'verdict', verdict: { passed: false, rule: 'content.executable', reason: 'an ELF executable' } }
        : pass,
    );
    await manager(stages).screen(job(assetId));
    const events = await store.readStream(`asset-${assetId}`);
    expect(events.at(-1)).toMatchObject({
      type: 'AssetQuarantined',
      data: {
        stage: 'intrusion',
        rule: 'content.executable',
        reason: 'an ELF executable',
        quarantinePath: join(root, '.mxhub', 'quarantine', assetId, 'evil.mxf'),
      },
    });
    expect((await readdir(join(root, '.mxhub', 'quarantine', assetId))).sort()).toEqual(['evil.mxf', 'evil.xml']);
    expect(await readdir(join(root, '.mxhub', 'staging')).then((d) => d.includes(assetId))).toBe(false);
  });

  it('two workers on one asset record each verdict exactly once', async () => {
    const assetId = await ingested();
    const slow = scripted(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return pass;
    });
    const m = manager(slow.stages);
    await Promise.all([m.screen(job(assetId)), m.screen(job(assetId)), m.screen(job(assetId))]);
    const screened = (await store.readStream(`asset-${assetId}`)).filter((e) => e.type === 'AssetScreened');
    expect(screened.map((e) => (e.data as { stage: string }).stage)).toEqual([
      'whitelist',
      'intrusion',
      'antivirus',
      'analysis',
    ]);
    expect((await types(assetId)).filter((t) => t === 'AssetCleared')).toHaveLength(1);
  });

  it('an unreachable engine defers the stage once per outage and resumes when it answers again', async () => {
    const assetId = await ingested();
    let down = true;
    const { stages } = scripted((stage) =>
      stage === 'antivirus' && down ? { kind: 'unavailable', reason: 'clamav: connect ECONNREFUSED' } : pass,
    );
    const m = manager(stages);
    for (let i = 0; i < 3; i += 1) {
      const err = await m.screen(job(assetId)).catch((e: unknown) => e);
      expect(isRetryLater(err)).toBe(true);
    }
    expect((await types(assetId)).filter((t) => t === 'ScreeningDeferred')).toHaveLength(1);
    expect(await types(assetId)).not.toContain('AssetCleared');
    down = false;
    await m.screen(job(assetId));
    expect((await types(assetId)).slice(-4)).toEqual([
      'AssetScreened',
      'AssetScreened',
      'AssetCleared',
      'ReplicaStored',
    ]);
  });

  it('a file left in quarantine by a crash before the event is moved back and screened', async () => {
    const assetId = await ingested('crashed.mxf');
    const quarantine = join(root, '.mxhub', 'quarantine', assetId);
    await mkdir(quarantine, { recursive: true });
    await rm(join(root, '.mxhub', 'staging', assetId), { recursive: true });
    await writeFile(join(quarantine, 'crashed.mxf'), 'media bytes');
    const { stages } = scripted();
    await manager(stages).screen(job(assetId));
    expect((await types(assetId)).slice(-2)).toEqual(['AssetCleared', 'ReplicaStored']);
    expect(await readdir(join(root, '.mxhub', 'staging', assetId))).toEqual(['crashed.mxf']);
  });

  it('a claimed file gone from staging is quarantined as a custody failure, not screened', async () => {
    const assetId = await ingested('gone.mxf');
    await rm(join(root, '.mxhub', 'staging', assetId), { recursive: true });
    const { stages, runs } = scripted();
    await manager(stages).screen(job(assetId));
    expect(runs).toEqual([]);
    expect((await store.readStream(`asset-${assetId}`)).at(-1)).toMatchObject({
      type: 'AssetQuarantined',
      data: { stage: 'whitelist', rule: 'custody.file-missing' },
    });
  });

  describe('a rescreen of a unit whose sidecar the connector refused (issue 9)', () => {
    const NS = 'xmlns="urn:mxhub:sidecar:1" version="2"';
    const HOSTILE = `<?xml version="1.0"?><!DOCTYPE sidecar [<!ENTITY x "x">]><sidecar ${NS}><title>&x;</title></sidecar>`;
    // The real sidecar stage (it reads the file); the other stages pass.
    const sidecarStage = createScreeningStages({
      whitelist: {},
      intrusion: { check: async () => ({ ok: true }) },
      engines: [],
      analyzer: {} as Analyzer,
    });
    const stages = () => scripted((stage, subject) => (stage === 'sidecar' ? sidecarStage.run(stage, subject) : pass));

    /** Records the refusal as the connector does (no SidecarParsed), then an operator asks for a rescreen. */
    async function refusedThenRescreened(name: string, sidecar: string, rule: string): Promise<string> {
      const assetId = await ingested(`${name}.mxf`);
      const quarantine = join(root, '.mxhub', 'quarantine', assetId);
      await mkdir(quarantine, { recursive: true });
      await rename(join(root, '.mxhub', 'staging', assetId, `${name}.mxf`), join(quarantine, `${name}.mxf`));
      await writeFile(join(quarantine, `${name}.xml`), sidecar);
      const occurredAt = new Date().toISOString();
      const meta = { correlationId: assetId, causationId: assetId, actor: 'connector:news', occurredAt };
      const refusal = { assetId, stage: 'sidecar', rule, reason: `refused (rule ${rule})` };
      await store.append(
        `asset-${assetId}`,
        [
          { id: uuidv7(), type: 'AssetScreened', data: { ...refusal, passed: false }, metadata: meta },
          {
            id: uuidv7(),
            type: 'AssetQuarantined',
            data: { ...refusal, quarantinePath: join(quarantine, `${name}.mxf`) },
            metadata: meta,
          },
        ],
        2,
      );
      const commands = createScreeningCommands({ store, custody: createCustody([network()]) });
      await commands.release(
        assetId,
        { mode: 'rescreen', reason: 'rules updated' },
        { actor: 'user:operator', correlationId: assetId },
      );
      return assetId;
    }

    it('runs every stage again and the hostile sidecar keeps it quarantined under the parser rule', async () => {
      const assetId = await refusedThenRescreened('hostile', HOSTILE, 'sidecar.doctype');
      const { stages: s, runs } = stages();
      await manager(s).screen(job(assetId));
      expect(runs).toEqual(['whitelist', 'intrusion', 'antivirus', 'analysis', 'sidecar']);
      const events = await store.readStream(`asset-${assetId}`);
      expect(events.map((e) => e.type)).not.toContain('AssetCleared');
      expect(events.at(-1)).toMatchObject({
        type: 'AssetQuarantined',
        data: {
          stage: 'sidecar',
          rule: 'sidecar.doctype',
          quarantinePath: join(root, '.mxhub', 'quarantine', assetId, 'hostile.mxf'),
        },
      });
      expect((await readdir(join(root, '.mxhub', 'quarantine', assetId))).sort()).toEqual([
        'hostile.mxf',
        'hostile.xml',
      ]);
    });

    it('a sidecar that could not be read at claim and parses now is recorded, and the asset clears', async () => {
      const good = `<sidecar ${NS}><title>T</title><materialId>M-1</materialId><priority>10</priority></sidecar>`;
      const assetId = await refusedThenRescreened('flaky', good, 'sidecar.unreadable');
      await manager(stages().stages).screen(job(assetId));
      const events = await store.readStream(`asset-${assetId}`);
      expect(events.slice(-4)).toMatchObject([
        { type: 'SidecarParsed', data: { sidecar: { title: 'T', materialId: 'M-1', priority: 10 } } },
        { type: 'AssetScreened', data: { stage: 'sidecar', passed: true } },
        { type: 'AssetCleared' },
        { type: 'ReplicaStored', data: { kind: 'origin' } },
      ]);
    });

    it('a sidecar gone from staging keeps it quarantined as a custody failure', async () => {
      const assetId = await refusedThenRescreened('lost', HOSTILE, 'sidecar.doctype');
      await rm(join(root, '.mxhub', 'staging', assetId, 'lost.xml'));
      await manager(stages().stages).screen(job(assetId));
      expect((await store.readStream(`asset-${assetId}`)).at(-1)).toMatchObject({
        type: 'AssetQuarantined',
        data: { stage: 'sidecar', rule: 'custody.file-missing' },
      });
      expect(await readdir(join(root, '.mxhub', 'quarantine', assetId))).toEqual(['lost.mxf']);
    });
  });

  it('the queue runs jobs through the manager and ignores a second enqueue of a pending asset', async () => {
    const assetId = await ingested();
    const { stages, runs } = scripted();
    const m = manager(stages);
    await m.enqueue(assetId);
    await m.enqueue(assetId);
    m.start();
    for (let i = 0; i < 100 && !(await types(assetId)).includes('AssetCleared'); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(runs).toEqual(['whitelist', 'intrusion', 'antivirus', 'analysis']);
  });
});
