import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uuidv7 } from '../../lib/ids';
import { deleted, detected } from '../../test/support/events';
import { createTestSql, type TestSql } from '../../test/support/pg';
import { settled } from '../../test/support/settle';
import { cutLogAfter, rehashStream, tamper } from '../../test/support/tamper';
import { createInProcessBackbone, type InProcessBackbone } from '../backbone/adapters/in-process';
import { createSqlEventStore } from '../store/sql-event-store';
import type { EventStore } from '../store/event-store';
import { parseAnchors, readAnchors, type Anchor } from './anchors';
import { createCheckpointer, writeCheckpoint, type CheckpointerDeps } from './checkpointer';
import { CHECKPOINTS_CATEGORY } from './export';
import { loadSigningKey, type SigningKey } from './keys';
import { verifyLog } from './verify';

interface Logged {
  level: 'info' | 'warn' | 'error';
  msg: string;
  fields: Record<string, unknown>;
}

/**
 * The log cases of issue 9 on the real store: checkpoints deleted, the tail
 * cut with its checkpoints, an event edited under rehashed chains. Each one
 * passed `verifyLog` before the checkpoints were exported; held to the
 * exported copies (the anchors), each fails naming what is missing, and a
 * restarted checkpointer refuses to sign on top of it.
 */
describe.each(['pglite', 'postgres'] as const)('exported checkpoints on %s', (kind) => {
  let t: TestSql;
  let store: EventStore;
  let key: SigningKey;
  let exportFile: string;
  let backbone: InProcessBackbone;
  let logs: Logged[];
  /** Stream ids of each batch; a checkpoint was signed (and exported) after each. */
  let batches: string[][];

  const logger = {
    info: (fields: object, msg: string) => void logs.push({ level: 'info', msg, fields: { ...fields } }),
    warn: (fields: object, msg: string) => void logs.push({ level: 'warn', msg, fields: { ...fields } }),
    error: (fields: object, msg: string) => void logs.push({ level: 'error', msg, fields: { ...fields } }),
  };

  /** A hub's life for the checkpointer: it signs at start, and once more on the way down. */
  async function runHub() {
    const checkpointer = createCheckpointer(
      { sql: t.sql, key, backbone, logger: logger as unknown as CheckpointerDeps['logger'] },
      { exportFile, intervalMs: 3_600_000 },
    );
    checkpointer.start();
    await checkpointer.stop();
    return checkpointer;
  }

  async function anchors(): Promise<Anchor[]> {
    const out: Anchor[] = [];
    for await (const a of readAnchors(exportFile)) out.push(a);
    return out;
  }

  const rows = () =>
    t.sql.query<{ seq: string; position: string }>(
      'select seq::text as seq, position::text as position from mx_log_checkpoints order by mx_log_checkpoints.seq',
    );
  const verifyWithAnchors = async () => verifyLog(t.sql, key, { anchors: await anchors() });

  beforeEach(async () => {
    t = await createTestSql(kind);
    store = createSqlEventStore(t.sql);
    const dir = mkdtempSync(join(tmpdir(), 'mx-anchors-'));
    key = loadSigningKey(join(dir, 'checkpoint-key.pem'));
    exportFile = join(dir, 'checkpoints.jsonl');
    backbone = createInProcessBackbone();
    logs = [];
    batches = [];
    for (let b = 0; b < 4; b++) {
      const streams = [0, 1, 2].map(() => `asset-${uuidv7()}`);
      let last = 0n;
      for (const s of streams) last = (await store.append(s, [detected(s), deleted(s), deleted(s)])).lastPosition;
      await settled(store, last);
      await runHub();
      batches.push(streams);
    }
  });
  afterEach(async () => {
    await backbone.close();
    await store.close();
    await t.dispose();
  });

  test('every checkpoint signed is in the anchors file and on the backbone, and an untouched log verifies against them', async () => {
    const inDb = await rows();
    expect(inDb).toHaveLength(4);
    const exported = await anchors();
    expect(exported.map((a) => [a.seq, a.position])).toEqual(inDb.map((r) => [r.seq, r.position]));
    expect(exported.map((a) => a.eventCount)).toEqual(['9', '18', '27', '36']);
    expect(backbone.records(CHECKPOINTS_CATEGORY).map((r) => r.value)).toEqual(
      readFileSync(exportFile, 'utf8').trimEnd().split('\n'),
    );
    expect(await verifyWithAnchors()).toMatchObject({ ok: true, events: 36, checkpoints: 4, anchors: 4, problems: [] });
    const checkpointer = await runHub();
    expect(checkpointer.status()).toMatchObject({ ok: true, detail: expect.stringMatching(/last exported seq/) });
  });

  test('past nine checkpoints it keeps signing: the newest is found by number, not by its text ("10" before "9")', async () => {
    for (let b = 0; b < 8; b++) {
      const s = `asset-${uuidv7()}`;
      await settled(store, (await store.append(s, [detected(s)])).lastPosition);
      await runHub();
    }
    expect(await rows()).toHaveLength(12);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    expect((await anchors()).map((a) => a.seq).at(-1)).toBe((await rows()).at(-1)!.seq);
    expect(await verifyWithAnchors()).toMatchObject({ ok: true, checkpoints: 12 });
  });

  test('every checkpoint deleted: verify fails naming each one by seq, position and event count; no re-signing', async () => {
    const exported = await anchors();
    await tamper(t.sql, 'delete from mx_log_checkpoints');

    expect((await verifyLog(t.sql, key)).ok).toBe(true); // what the issue found: nothing in the database tells
    await new Promise((r) => setTimeout(r, 50));
    const unanchored = await verifyLog(t.sql, key, { intervalMs: 10 });
    expect(unanchored.ok).toBe(false);
    expect(unanchored.firstProblem?.what).toMatch(
      /the log holds 36 events, the oldest recorded at .*, more than two checkpoint intervals \(2 × 10 ms\) ago, but no signed checkpoint/,
    );

    const report = await verifyWithAnchors();
    expect(report.ok).toBe(false);
    const [first, last] = [exported[0]!, exported[3]!];
    expect(report.firstProblem).toMatchObject({
      position: first.position,
      what: `the database lacks exported signed checkpoint(s): 4 of them, seq ${first.seq} at position ${first.position} (9 events) to seq ${last.seq} at position ${last.position} (36 events); they were deleted`,
    });
    expect(report.problems).toHaveLength(1); // the events are all there: only their checkpoints went

    const restarted = await runHub();
    expect(await rows()).toEqual([]);
    expect(restarted.status()).toMatchObject({ ok: false, detail: expect.stringMatching(/^REFUSING TO SIGN: /) });
  });

  test('the newest events cut with their checkpoints (mx_streams fixed): verify fails naming the checkpoints and events missing', async () => {
    const exported = await anchors();
    await cutLogAfter(t.sql, BigInt(exported[1]!.position));
    expect((await verifyLog(t.sql, key)).ok).toBe(true); // what the issue found

    const report = await verifyWithAnchors();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.what)).toEqual([
      `the database lacks exported signed checkpoint(s): 2 of them, seq ${exported[2]!.seq} at position ${exported[2]!.position} (27 events) to seq ${exported[3]!.seq} at position ${exported[3]!.position} (36 events); they were deleted`,
      `the exported seq ${exported[3]!.seq} at position ${exported[3]!.position} (36 events) covers the log up to position ${exported[3]!.position}, but the database's log holds 18 events up to there and ends at position ${exported[1]!.position}: 18 event(s) missing`,
    ]);

    await runHub();
    expect(await rows()).toHaveLength(2);
    expect(logs.filter((l) => l.level === 'error').map((l) => l.fields.refusal)).toContainEqual(
      expect.stringMatching(
        new RegExp(`the database lacks the newest checkpoint exported, seq ${exported[3]!.seq} at position`),
      ),
    );
  });

  test('an event edited, its chain rehashed, later checkpoints deleted: a restarted hub refuses to sign, verify fails', async () => {
    const exported = await anchors();
    const victim = batches[2]![1]!;
    const [edited] = await store.readStream(victim);
    await tamper(t.sql, `update mx_events set data = jsonb_set(data, '{sizeBytes}', '1') where event_id = $1`, [
      edited!.id,
    ]);
    await rehashStream(t.sql, victim);
    await tamper(t.sql, 'delete from mx_log_checkpoints where position >= $1', [edited!.position.toString()]);
    expect((await verifyLog(t.sql, key)).ok).toBe(true); // the chains hold and no checkpoint left covers the edit

    const restarted = await runHub();
    expect(await rows()).toHaveLength(2);
    expect(restarted.status()).toMatchObject({ ok: false });
    const refusals = logs.filter((l) => l.level === 'error' && /REFUSING to sign/.test(l.msg));
    expect(refusals.length).toBeGreaterThanOrEqual(2); // at start and again on the way down: every time it would sign
    expect(await anchors()).toEqual(exported);

    const report = await verifyWithAnchors();
    expect(report.ok).toBe(false);
    expect(report.firstProblem).toMatchObject({
      position: exported[2]!.position,
      what: expect.stringMatching(
        new RegExp(`lacks exported signed checkpoint\\(s\\): 2 of them, seq ${exported[2]!.seq} at position`),
      ),
    });
  });

  test('a replaced checkpoint row or a forged anchor is named', async () => {
    const exported = await anchors();
    await tamper(t.sql, `update mx_log_checkpoints set signature = $2 where seq = $1`, [
      exported[1]!.seq,
      exported[0]!.signature,
    ]);
    const forged = { ...exported[3]!, digest: 'f'.repeat(64) };
    const report = await verifyLog(t.sql, key, { anchors: [...exported.slice(0, 3), forged] });
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.what)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/checkpoint at \d+ has an invalid signature/),
        expect.stringMatching(new RegExp(`differs from the exported seq ${exported[1]!.seq} .* in signature`)),
        expect.stringMatching(new RegExp(`exported seq ${exported[3]!.seq} .* has an invalid signature`)),
      ]),
    );
  });

  test('two processes sharing the database, each with its own anchors file, sign in turn without refusing', async () => {
    const other = join(mkdtempSync(join(tmpdir(), 'mx-anchors-')), 'checkpoints.jsonl');
    const second = createCheckpointer(
      { sql: t.sql, key, backbone, logger: logger as unknown as CheckpointerDeps['logger'] },
      { exportFile: other, intervalMs: 3_600_000 },
    );
    for (let turn = 0; turn < 2; turn++) {
      const s = `asset-${uuidv7()}`;
      await settled(store, (await store.append(s, [detected(s)])).lastPosition);
      second.start();
      await second.stop();
      await store.append(s, [deleted(s)]);
      await settled(store, await store.headPosition());
      expect((await runHub()).status()).toMatchObject({ ok: true });
    }
    expect(second.status()).toMatchObject({ ok: true });
    expect(await rows()).toHaveLength(8);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    const both = [...(await anchors()), ...parseAnchors(readFileSync(other, 'utf8'), other)];
    expect((await verifyLog(t.sql, key, { anchors: both })).ok).toBe(true);
  });

  test('a newest row, later than the exported one, whose signature is not the key’s is not chained from', async () => {
    const newest = (await anchors())[3]!;
    const s = `asset-${uuidv7()}`;
    await settled(store, (await store.append(s, [detected(s)])).lastPosition);
    const unexported = await writeCheckpoint(t.sql, key, newest);
    await tamper(t.sql, 'update mx_log_checkpoints set signature = $2 where seq = $1', [
      unexported!.seq,
      Buffer.alloc(64).toString('base64'),
    ]);
    await store.append(s, [deleted(s)]);
    await settled(store, await store.headPosition());
    await expect(writeCheckpoint(t.sql, key, newest)).rejects.toThrow(
      new RegExp(`newest checkpoint \\(seq ${unexported!.seq}\\) has an invalid signature`),
    );
  });

  test('a checkpoint signed but not exported (a crash in between) does not stop the next hub', async () => {
    const s = `asset-${uuidv7()}`;
    await settled(store, (await store.append(s, [detected(s)])).lastPosition);
    await writeCheckpoint(t.sql, key, (await anchors())[3]);
    await store.append(s, [deleted(s)]);
    await settled(store, await store.headPosition());

    const next = await runHub();
    expect(next.status()).toMatchObject({ ok: true });
    expect(await rows()).toHaveLength(6);
    expect(await anchors()).toHaveLength(5);
    expect((await verifyWithAnchors()).ok).toBe(true);
  });
});
