import type { Pool } from 'pg';
import { rawRow, type RawRow } from './workload';
import type { NewEvent } from '../../events/envelope';

/**
 * The baseline table: a copy of mx_events with its columns, defaults,
 * constraints and every index (bigint pk, unique event_id, unique
 * (stream_id, version), the type and category indexes), so both sides
 * maintain the same index pages per row.
 */
export const RAW_TABLE = 'bench_raw_events';

const COLUMNS = 'position, event_id, stream_id, version, type, schema_version, data, metadata, prev_hash, hash';
const WIDTH = 10;

export async function createRawTable(pool: Pool): Promise<void> {
  await pool.query(`create table ${RAW_TABLE} (like mx_events including all)`);
}

function valuesList(rows: number): string {
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const p = Array.from({ length: WIDTH }, (_, c) => `$${r * WIDTH + c + 1}`);
    tuples.push(`(${p.join(', ')})`);
  }
  return tuples.join(', ');
}

/** Raw writes: autocommit, parameterised, one statement per call; what an application without a store would do. */
export function createRawWriter(pool: Pool) {
  const single = `insert into ${RAW_TABLE} (${COLUMNS}) values ${valuesList(1)}`;
  const multi = new Map<number, string>();
  const insert = async (rows: RawRow[]) => {
    let text = rows.length === 1 ? single : multi.get(rows.length);
    if (!text) {
      text = `insert into ${RAW_TABLE} (${COLUMNS}) values ${valuesList(rows.length)}`;
      multi.set(rows.length, text);
    }
    await pool.query(text, rows.flat());
  };
  return {
    /** One row, its own transaction: the baseline of a single-event append. */
    insertOne: (event: NewEvent, streamId: string) => insert([rawRow(event, streamId, 1)]),
    /** All rows in one multi-row INSERT: the baseline of a batch append to one stream. */
    insertMany: (events: NewEvent[], streamId: string) => insert(events.map((e, i) => rawRow(e, streamId, i + 1))),
  };
}

/** Reads the raw table from its start in keyset pages, as readAll pages the log, until `events` or the end. */
export async function readAllRaw(pool: Pool, pageSize: number, events: number, onPage: (rows: number) => void) {
  let after = '0';
  let total = 0;
  while (total < events) {
    const { rows } = await pool.query<{ position: string }>(
      `select * from ${RAW_TABLE} where position > $1 order by position limit $2`,
      [after, Math.min(pageSize, events - total)],
    );
    if (rows.length === 0) break;
    total += rows.length;
    after = rows[rows.length - 1]!.position;
    onPage(rows.length);
  }
  return total;
}
