import { verify as verifySignature } from 'node:crypto';
import type { Sql } from '../../lib/db/sql';
import type { Anchor } from './anchors';
import { signedText } from './digest';
import type { SigningKey } from './keys';
import type { Problem } from './verify';

/** A row of `mx_log_checkpoints` as verify reads it. */
export interface CheckpointRow {
  position: string;
  event_count: string;
  digest: string;
  prev_digest: string;
  signature: string;
  key_id: string;
}

const named = (a: Anchor) => `seq ${a.seq} at position ${a.position} (${a.eventCount} events)`;

/**
 * Holds the database to the exported checkpoints (the anchors): every anchor
 * must be a row of `mx_log_checkpoints`, field for field, and the log must
 * reach the newest anchor's position with exactly its event count. The
 * database's own checkpoints are checked against the log by `verifyLog`;
 * together they prove nothing was cut from the end or the middle, even by
 * someone who deleted the checkpoints that would have shown it.
 *
 * `known` is the checkpoints `verifyLog` read; an anchor beyond the newest of
 * them is looked up again, since the hub may have signed and exported it
 * meanwhile (never below: checkpoints are written in position order).
 */
export async function checkAnchors(
  sql: Sql,
  key: SigningKey,
  anchors: AsyncIterable<Anchor> | Iterable<Anchor>,
  known: Map<string, CheckpointRow>,
): Promise<{ problems: Problem[]; count: number }> {
  const problems: Problem[] = [];
  let missing: Anchor[] = [];
  let newest: Anchor | undefined;
  let count = 0;
  const knownHead = [...known.keys()].reduce((max, p) => (BigInt(p) > max ? BigInt(p) : max), -1n);
  const closeMissing = () => {
    if (missing.length > 0) problems.push(missingRun(missing));
    missing = [];
  };
  for await (const a of anchors) {
    count++;
    if (!newest || BigInt(a.position) > BigInt(newest.position)) newest = a;
    const bad = signatureProblem(key, a);
    if (bad) problems.push(bad);
    const row = known.get(a.position) ?? (BigInt(a.position) > knownHead ? await lookUp(sql, a.position) : undefined);
    if (!row) {
      missing.push(a);
      continue;
    }
    closeMissing();
    const exported = {
      event_count: a.eventCount,
      digest: a.digest,
      prev_digest: a.prevDigest,
      signature: a.signature,
      key_id: a.keyId,
    };
    const differs = (Object.keys(exported) as Array<keyof typeof exported>).filter((f) => row[f] !== exported[f]);
    if (differs.length > 0) {
      problems.push({
        position: a.position,
        what: `the database's checkpoint at position ${a.position} differs from the exported ${named(a)} in ${differs.join(', ')}: it was replaced`,
      });
    }
  }
  closeMissing();
  if (newest) {
    const short = await shortLog(sql, newest);
    if (short) problems.push(short);
  }
  return { problems, count };
}

function missingRun(run: Anchor[]): Problem {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  const which = run.length === 1 ? named(first) : `${run.length} of them, ${named(first)} to ${named(last)}`;
  return {
    position: first.position,
    what: `the database lacks exported signed checkpoint(s): ${which}; they were deleted`,
  };
}

function signatureProblem(key: SigningKey, a: Anchor): Problem | undefined {
  if (a.keyId !== key.keyId)
    return { position: a.position, what: `exported ${named(a)} was signed by key ${a.keyId}, not ${key.keyId}` };
  const text = Buffer.from(signedText(BigInt(a.position), a.digest));
  if (!verifySignature(null, text, key.publicKey, Buffer.from(a.signature, 'base64')))
    return { position: a.position, what: `exported ${named(a)} has an invalid signature: the anchors were altered` };
  return undefined;
}

async function lookUp(sql: Sql, position: string): Promise<CheckpointRow | undefined> {
  const [row] = await sql.query<CheckpointRow>(
    `select position::text as position, event_count::text as event_count, digest, prev_digest, signature, key_id
       from mx_log_checkpoints where position = $1`,
    [position],
  );
  return row;
}

/** The log must hold exactly the newest anchor's events up to its position: fewer means some were cut. */
async function shortLog(sql: Sql, newest: Anchor): Promise<Problem | undefined> {
  const [log] = await sql.query<{ upto: string; head: string | null }>(
    `select count(*) filter (where position <= $1)::text as upto, max(position)::text as head from mx_events`,
    [newest.position],
  );
  const upto = BigInt(log?.upto ?? '0');
  const head = log?.head ?? null;
  const expected = BigInt(newest.eventCount);
  if (head !== null && BigInt(head) >= BigInt(newest.position) && upto === expected) return undefined;
  const gap = upto < expected ? `${expected - upto} event(s) missing` : `${upto - expected} event(s) too many`;
  return {
    position: newest.position,
    what:
      `the exported ${named(newest)} covers the log up to position ${newest.position}, ` +
      `but the database's log holds ${upto} events up to there and ends at position ${head ?? 'none'}: ${gap}`,
  };
}
