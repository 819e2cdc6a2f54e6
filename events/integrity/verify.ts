import { createHash, verify as verifySignature } from 'node:crypto';
import type { Sql } from '../../lib/db/sql';
import type { EventRow } from '../store/sql-event-store';
import { checkAnchors, type CheckpointRow } from './anchor-check';
import type { Anchor } from './anchors';
import { eventHash, signedText } from './digest';
import type { SigningKey } from './keys';

export interface Problem {
  /** Position of the first event found wrong (or of the checkpoint that no longer holds). */
  position: string;
  eventId?: string;
  streamId?: string;
  version?: number;
  what: string;
}

export interface VerifyReport {
  ok: boolean;
  events: number;
  streams: number;
  checkpoints: number;
  /** Exported checkpoints (anchors) the database was compared with; null when none were given. */
  anchors: number | null;
  /** The earliest problem in log order; `problems` lists up to 20. */
  firstProblem?: Problem;
  problems: Problem[];
  /** The key the checkpoints were checked with (first 16 hex of SHA-256 over its public key). */
  keyId: string;
  /** The newest signed checkpoints (up to 10, newest first), as they were checked: what an auditor compares with the exported anchors. */
  latest: SignedCheckpoint[];
}

/** A checkpoint as exported (an anchor, less its `seq`), with when it was signed and whether it held. */
export interface SignedCheckpoint extends Omit<Anchor, 'seq'> {
  signedAt: string;
  /** The checkpoint matched the log before it and its signature verified with `keyId`. */
  valid: boolean;
}

/** An event row with data and metadata as PostgreSQL's jsonb text: the exact bytes the hash covers. */
type Row = Omit<EventRow, 'data' | 'metadata' | 'recorded_at'> & { data_text: string; metadata_text: string };

export interface VerifyOptions {
  onProgress?: (done: number, total: number) => void;
  /**
   * The exported checkpoints to hold the database to (the anchors file, the
   * `mxhub.checkpoints` topic): each must be in the database and the log must
   * reach the newest. @default none
   */
  anchors?: AsyncIterable<Anchor> | Iterable<Anchor>;
  /** The hub's `checkpoints.intervalMs`: a log older than two intervals must hold a checkpoint. @default 10000 */
  intervalMs?: number;
}

/**
 * Checks every stream's hash chain and every signed checkpoint over the
 * global log, reading the log once in position order; then the database
 * against the exported checkpoints, when given.
 */
export async function verifyLog(sql: Sql, key: SigningKey, options: VerifyOptions = {}): Promise<VerifyReport> {
  const onProgress = options.onProgress ?? (() => {});
  const problems: Problem[] = [];
  const add = (p: Problem) => problems.length < 20 && problems.push(p);
  const streams = new Map<string, { version: number; hash: string }>();
  const checkpoints = await sql.query<CheckpointRow & { created_at: string | Date }>(
    `select position::text as position, event_count::text as event_count, digest, prev_digest, signature, key_id,
            created_at
       from mx_log_checkpoints order by seq`,
  );
  const [{ n: total } = { n: 0 }] = await sql.query<{ n: number }>('select count(*)::int as n from mx_events');

  let cp = 0;
  let prevDigest = '';
  let segment = createHash('sha256');
  let count = 0n;
  const startSegment = (c: CheckpointRow | undefined) => {
    segment = createHash('sha256');
    if (c) segment.update(`${prevDigest}|${c.position}|${c.event_count}|`);
  };
  const closeCheckpoint = (c: CheckpointRow) => {
    const digest = segment.digest('hex');
    if (c.prev_digest !== prevDigest || c.digest !== digest || BigInt(c.event_count) !== count) {
      add({
        position: c.position,
        what: `signed checkpoint at position ${c.position} no longer matches the log before it`,
      });
    } else if (c.key_id !== key.keyId) {
      add({
        position: c.position,
        what: `checkpoint at ${c.position} was signed by key ${c.key_id}, not the configured key ${key.keyId}`,
      });
    } else if (
      !verifySignature(
        null,
        Buffer.from(signedText(BigInt(c.position), c.digest)),
        key.publicKey,
        Buffer.from(c.signature, 'base64'),
      )
    ) {
      add({ position: c.position, what: `checkpoint at ${c.position} has an invalid signature` });
    }
    prevDigest = c.digest;
    cp++;
    startSegment(checkpoints[cp]);
  };
  startSegment(checkpoints[0]);

  let after = '-1';
  let done = 0;
  for (;;) {
    const rows = await sql.query<Row>(
      `select position::text as position, event_id, stream_id, version, type, schema_version,
              data::text as data_text, metadata::text as metadata_text, prev_hash, hash
         from mx_events where position > $1 order by mx_events.position limit 5000`,
      [after],
    );
    if (rows.length === 0) break;
    for (const r of rows) {
      const pos = BigInt(r.position);
      while (cp < checkpoints.length && BigInt(checkpoints[cp]!.position) < pos) {
        // The checkpoint's own event is gone: its segment cannot close where it was signed.
        add({
          position: checkpoints[cp]!.position,
          what: `the event at checkpoint position ${checkpoints[cp]!.position} is missing`,
        });
        closeCheckpoint(checkpoints[cp]!);
      }
      const at = { position: r.position, eventId: r.event_id, streamId: r.stream_id, version: r.version };
      const prev = streams.get(r.stream_id) ?? { version: 0, hash: '' };
      if (r.version !== prev.version + 1) {
        add({
          ...at,
          what: `version ${r.version} follows version ${prev.version}: event(s) of this stream are missing`,
        });
      } else if (r.prev_hash !== prev.hash) {
        add({ ...at, what: 'its previous-hash does not match the event before it in the stream' });
      }
      const recomputed = eventHash({
        prevHash: r.prev_hash,
        id: r.event_id,
        streamId: r.stream_id,
        version: r.version,
        type: r.type,
        schemaVersion: r.schema_version,
        dataText: r.data_text,
        metadataText: r.metadata_text,
      });
      if (recomputed !== r.hash) add({ ...at, what: 'its content does not match its hash (edited)' });
      streams.set(r.stream_id, { version: r.version, hash: r.hash });
      segment.update(r.hash);
      count++;
      if (cp < checkpoints.length && checkpoints[cp]!.position === r.position) closeCheckpoint(checkpoints[cp]!);
    }
    after = rows[rows.length - 1]!.position;
    done += rows.length;
    onProgress(done, total);
  }
  while (cp < checkpoints.length) {
    add({
      position: checkpoints[cp]!.position,
      what: `events up to checkpoint position ${checkpoints[cp]!.position} are missing`,
    });
    closeCheckpoint(checkpoints[cp]!);
  }

  const heads = await sql.query<{ stream_id: string; version: number; last_hash: string; last_position: string }>(
    'select stream_id, version, last_hash, last_position::text as last_position from mx_streams',
  );
  for (const h of heads) {
    const seen = streams.get(h.stream_id);
    if (!seen || seen.version !== h.version || seen.hash !== h.last_hash) {
      add({
        position: h.last_position,
        streamId: h.stream_id,
        version: h.version,
        what: `stream ${h.stream_id} should end at version ${h.version}, the log has ${seen?.version ?? 0}: its last event(s) are missing or altered`,
      });
    }
  }

  if (checkpoints.length === 0 && done > 0) {
    const unsigned = await unsignedTooLong(sql, options.intervalMs ?? 10_000, done);
    if (unsigned) add(unsigned);
  }
  let anchors: number | null = null;
  if (options.anchors) {
    const known = new Map(checkpoints.map((c) => [c.position, c]));
    const compared = await checkAnchors(sql, key, options.anchors, known);
    compared.problems.forEach(add);
    anchors = compared.count;
  }

  const sorted = [...problems].sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1));
  return {
    ok: problems.length === 0,
    events: done,
    streams: streams.size,
    checkpoints: checkpoints.length,
    anchors,
    firstProblem: sorted[0],
    problems: sorted,
    keyId: key.keyId,
    latest: checkpoints
      .slice(-10)
      .reverse()
      .map((c) => ({
        position: c.position,
        eventCount: c.event_count,
        digest: c.digest,
        prevDigest: c.prev_digest,
        signature: c.signature,
        keyId: c.key_id,
        signedAt: new Date(c.created_at).toISOString(),
        valid: !problems.some((p) => p.position === c.position),
      })),
  };
}

/**
 * A running hub signs at start and every interval, and a stopped one signed
 * on its way down: a log whose oldest event is older than two intervals and
 * holds no checkpoint at all had them deleted.
 */
async function unsignedTooLong(sql: Sql, intervalMs: number, events: number): Promise<Problem | undefined> {
  const [oldest] = await sql.query<{ position: string; recorded_at: string; stale: boolean }>(
    `select position::text as position, recorded_at::text as recorded_at,
            recorded_at < now() - make_interval(secs => $1::float8 / 1000) as stale
       from mx_events order by mx_events.position limit 1`,
    [2 * intervalMs],
  );
  if (!oldest?.stale) return undefined;
  return {
    position: oldest.position,
    what: `the log holds ${events} events, the oldest recorded at ${oldest.recorded_at}, more than two checkpoint intervals (2 × ${intervalMs} ms) ago, but no signed checkpoint: they were deleted`,
  };
}
