import { sign, verify } from 'node:crypto';
import type { Logger } from 'pino';
import type { Sql } from '../../lib/db/sql';
import { HubError, ValidationError } from '../../lib/errors';
import type { Backbone } from '../backbone/backbone';
import type { CheckpointRow } from './anchor-check';
import type { Anchor } from './anchors';
import { checkpointDigest, signedText } from './digest';
import { openCheckpointExport, type CheckpointExport } from './export';
import type { SigningKey } from './keys';

/** Advisory lock key that keeps two hub processes from writing checkpoints at once. */
const CHECKPOINT_LOCK = 0x6d78636b; // 'mxck'

/** The database's log no longer holds what this hub signed and exported: signing on top of it would bless the change. */
export class LogIntegrityError extends HubError {
  constructor(message: string) {
    super('MXHUB_ERR_LOG_INTEGRITY', message, 500, false);
  }
}

/** A checkpoint row with its sequence number. */
interface Row extends CheckpointRow {
  seq: string;
}

const ROW = `seq::text as seq, position::text as position, event_count::text as event_count, digest, prev_digest,
             signature, key_id`;

const named = (a: { seq: string; position: string; eventCount: string }) =>
  `seq ${a.seq} at position ${a.position} (${a.eventCount} events)`;

/**
 * Throws LogIntegrityError unless `exported` (the newest checkpoint this hub
 * wrote outside the database) is still in the database, unchanged, and the
 * newest row, which the next checkpoint chains from, carries a valid
 * signature of this hub's key when it names that key. The newest row may be
 * later than `exported`: another process sharing the database signed it, or
 * this one crashed before exporting it.
 */
async function assertExportedHeld(tx: Sql, key: SigningKey, last: Row | undefined, exported: Anchor): Promise<void> {
  const what = `the newest checkpoint exported, ${named(exported)}`;
  if (!last) throw new LogIntegrityError(`the database holds no signed checkpoint, but ${what}, was signed`);
  const [held] = await tx.query<Row>(`select ${ROW} from mx_log_checkpoints where position = $1`, [exported.position]);
  if (!held) throw new LogIntegrityError(`the database lacks ${what}: checkpoints were deleted`);
  if (held.digest !== exported.digest || held.signature !== exported.signature)
    throw new LogIntegrityError(`the database's checkpoint at position ${held.position} differs from ${what}`);
  if (BigInt(last.position) < BigInt(exported.position)) {
    throw new LogIntegrityError(
      `the database's newest checkpoint (seq ${last.seq}, position ${last.position}) is older than ${what}`,
    );
  }
  // One signed with another key (a process with its own key file) cannot be checked here; verify names it.
  const text = Buffer.from(signedText(BigInt(last.position), last.digest));
  if (last.key_id === key.keyId && !verify(null, text, key.publicKey, Buffer.from(last.signature, 'base64')))
    throw new LogIntegrityError(`the database's newest checkpoint (seq ${last.seq}) has an invalid signature`);
}

/**
 * Writes one signed checkpoint over the global log up to the current safe
 * head, if any event arrived since the last one, and returns it (null when
 * there was nothing new). With `exported`, signs only while the database
 * still holds it (see `assertExportedHeld`), else throws LogIntegrityError.
 */
export async function writeCheckpoint(sql: Sql, key: SigningKey, exported?: Anchor): Promise<Anchor | null> {
  if (!key.privateKey) throw new Error('writing checkpoints needs the private key');
  const privateKey = key.privateKey;
  return sql.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [CHECKPOINT_LOCK]);
    // Qualified: `seq` alone would sort the text alias of the select list ("9" after "10").
    const [last] = await tx.query<Row>(
      `select ${ROW} from mx_log_checkpoints order by mx_log_checkpoints.seq desc limit 1`,
    );
    if (exported) await assertExportedHeld(tx, key, last, exported);
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
    const [{ seq } = { seq: '' }] = await tx.query<{ seq: string }>(
      `insert into mx_log_checkpoints (position, event_count, digest, prev_digest, signature, key_id)
       values ($1, $2, $3, $4, $5, $6) returning seq::text as seq`,
      [position.toString(), count.toString(), digest, prevDigest, signature, key.keyId],
    );
    return {
      seq,
      position: position.toString(),
      eventCount: count.toString(),
      digest,
      prevDigest,
      signature,
      keyId: key.keyId,
    };
  });
}

export interface CheckpointerDeps {
  sql: Sql;
  key: SigningKey;
  /** Carries each checkpoint to `mxhub.checkpoints` too. */
  backbone: Pick<Backbone, 'publishRecord'>;
  logger: Pick<Logger, 'warn' | 'error'>;
}

export interface CheckpointerOptions {
  /** The auditor's copy of every checkpoint signed (`checkpoints.exportFile`). */
  exportFile: string;
  /** @default 10000 */
  intervalMs?: number;
}

/**
 * Signs a checkpoint at start and every `intervalMs`, and exports each one
 * (file, then backbone) once it is committed: a crash in between leaves a
 * checkpoint without its copy, never a copy the database never held.
 *
 * When the database no longer holds what was exported (LogIntegrityError),
 * the checkpointer stops signing for the life of the process and says so at
 * every tick and in `status()`: an admin must look, then restart the hub.
 */
export function createCheckpointer(deps: CheckpointerDeps, options: CheckpointerOptions) {
  const { sql, key, logger } = deps;
  let timer: NodeJS.Timeout | undefined;
  let exporter: CheckpointExport | undefined;
  let refusal: string | undefined;
  let exportFailure: string | undefined;
  let running: Promise<void> | undefined;

  const refuse = (why: string) => {
    refusal = why;
    logger.error(
      { refusal: why, exportFile: options.exportFile },
      'REFUSING to sign checkpoints: the log was changed under the signed ones; an admin must look (restart after fixing)',
    );
  };

  async function signOnce(): Promise<void> {
    if (refusal) return refuse(refusal);
    const to = await openExport();
    if (!to) return;
    try {
      const written = await writeCheckpoint(sql, key, to.newest());
      if (written) await writeExport(to, written);
    } catch (err) {
      if (err instanceof LogIntegrityError) return refuse(err.message);
      logger.error({ err }, 'writing a signed checkpoint failed');
    }
  }

  /** Without the newest exported checkpoint there is nothing to hold the database to: no signing until it opens. */
  async function openExport(): Promise<CheckpointExport | undefined> {
    if (exporter) return exporter;
    try {
      exporter = await openCheckpointExport(deps, { file: options.exportFile });
    } catch (err) {
      if (err instanceof ValidationError) refuse(`the anchors file is damaged: ${err.message}`);
      else {
        exportFailure = `${options.exportFile} cannot be opened: ${(err as Error).message}`;
        logger.error({ err, exportFile: options.exportFile }, 'opening the anchors file failed; not signing');
      }
      return undefined;
    }
    exportFailure = undefined;
    const [signed] = await sql
      .query<{ any: boolean }>('select exists (select 1 from mx_log_checkpoints) as any')
      .catch(() => []);
    // A hub that has signed before but finds no anchors: the file was moved or deleted, and a change made
    // meanwhile would go unnoticed here (an auditor's copy or the checkpoints topic still shows it).
    if (!exporter.newest() && signed?.any)
      logger.warn(
        { exportFile: options.exportFile },
        'the database holds signed checkpoints but the anchors file has none: the next one signed starts it again',
      );
    return exporter;
  }

  async function writeExport(to: CheckpointExport, a: Anchor): Promise<void> {
    try {
      await to.write(a);
      exportFailure = undefined;
    } catch (err) {
      exportFailure = `checkpoint seq ${a.seq} is signed but not in ${options.exportFile}: ${(err as Error).message}`;
      logger.error({ err, seq: a.seq, exportFile: options.exportFile }, 'exporting a signed checkpoint failed');
    }
  }

  // One tick at a time, none queued behind a slow one: exports stay in signing order.
  const tick = () => (running ??= signOnce().finally(() => (running = undefined)));

  return {
    start() {
      void tick();
      timer = setInterval(tick, options.intervalMs ?? 10_000);
      timer.unref();
    },
    /** Stops the timer and writes a last checkpoint so a clean shutdown leaves the whole log signed. */
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      await tick();
    },
    /** For /health/ready: not ok while refusing to sign, or while the last export failed. */
    status(): { ok: boolean; detail: string } {
      if (refusal)
        return { ok: false, detail: `REFUSING TO SIGN: ${refusal}; an admin must look (restart after fixing)` };
      if (exportFailure) return { ok: false, detail: exportFailure };
      const newest = exporter?.newest();
      return { ok: true, detail: newest ? `last exported ${named(newest)}` : 'signing' };
    },
  };
}
