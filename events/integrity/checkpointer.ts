import { sign } from 'node:crypto';
import type { Sql } from '../../lib/db/sql';
import { checkpointDigest, signedText } from './digest';
import type { SigningKey } from './keys';

/** Advisory lock key that keeps two hub processes from writing checkpoints at once. */
const CHECKPOINT_LOCK = 0x6d78636b; // 'mxck'

/**
 * Writes one signed checkpoint over the global log up to the current safe
 * head, if any event arrived since the last one. Returns its position, or
 * null when there was nothing new.
 */
export async function writeCheckpoint(sql: Sql, key: SigningKey): Promise<bigint | null> {
  if (!key.privateKey) throw new Error('writing checkpoints needs the private key');
  const privateKey = key.privateKey;
  return sql.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [CHECKPOINT_LOCK]);
    const [last] = await tx.query<{ position: string; digest: string; event_count: string }>(
      'select position::text as position, digest, event_count::text as event_count from mx_log_checkpoints order by seq desc limit 1',
    );
    const from = BigInt(last?.position ?? '0');
    const rows = await tx.query<{ position: string; hash: string }>(
      'select position::text as position, hash from mx_events where position > $1 and position < mx_safe_bound() order by mx_events.position',
      [from.toString()],
    );
    if (rows.length === 0) return null;
    const position = BigInt(rows[rows.length - 1]!.position);
    const count = BigInt(last?.event_count ?? '0') + BigInt(rows.length);
    const prevDigest = last?.digest ?? '';
    const digest = checkpointDigest(
      prevDigest,
      position,
      count,
      rows.map((r) => r.hash),
    );
    const signature = sign(null, Buffer.from(signedText(position, digest)), privateKey).toString('base64');
    await tx.query(
      `insert into mx_log_checkpoints (position, event_count, digest, prev_digest, signature, key_id)
       values ($1, $2, $3, $4, $5, $6)`,
      [position.toString(), count.toString(), digest, prevDigest, signature, key.keyId],
    );
    return position;
  });
}

/** Writes a checkpoint every `intervalMs` while running. */
export function createCheckpointer(
  sql: Sql,
  key: SigningKey,
  intervalMs = 10_000,
  onError: (e: unknown) => void = () => {},
) {
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  const tick = () => {
    inFlight = writeCheckpoint(sql, key).catch(onError);
  };
  return {
    start() {
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    /** Stops the timer and writes a last checkpoint so a clean shutdown leaves the whole log signed. */
    async stop() {
      if (timer) clearInterval(timer);
      await inFlight;
      await writeCheckpoint(sql, key).catch(onError);
    },
  };
}
