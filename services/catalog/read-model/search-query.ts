import { decodeCursor, sqlParams } from '../../../lib/keyset-cursor';
import { ValidationError } from '../../../lib/errors';
import { normalise, paired } from './entry';
import type { AssetListState } from '../../../domain/asset/list-states';

export type AssetState = AssetListState;

/** What a catalog search asks; every part given must hold. */
export interface CatalogQuery {
  /** Substrings (split on white space, each must occur) of the name, sidecar fields or technical metadata. */
  q?: string;
  /** Assets held in this network: their origin or a replica (delivered or cached). */
  network?: string;
  type?: string;
  /** The asset's state as the assets list has always shown it (screening, then delivery). */
  state?: string;
  /** Detected at or after (ISO-8601). */
  from?: string;
  /** Detected before (ISO-8601). */
  to?: string;
  /** The programme the tree files it under, exactly. */
  program?: string;
  /** `newest` (default) or `oldest` first, by detection time. */
  sort?: 'newest' | 'oldest';
  /** Dropped on this network. */
  sourceNetwork?: string;
  /** Sent to this network. */
  target?: string;
  limit?: number;
  cursor?: string;
}

export const MAX_TERMS = 8;

/** `%`, `_` and `\` are LIKE's own: escaped, every character of a term matches itself. */
export const likePattern = (term: string): string => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The query's words, normalised as the indexed text is; empty when there are none. */
export function searchTerms(q: string | undefined): string[] {
  const terms = normalise(q ?? '')
    .split(/\s+/u)
    .filter((t) => t.length > 0);
  if (terms.length > MAX_TERMS) {
    throw new ValidationError(`q: at most ${MAX_TERMS} words are searched at once, got ${terms.length}`, {
      field: 'q',
    });
  }
  return [...new Set(terms)];
}

function time(field: 'from' | 'to', value: string): string {
  if (Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new ValidationError(`${field}: must be an ISO-8601 date or time (2026-12-01 or 2026-12-01T08:00:00Z)`, {
      field,
    });
  }
  return value;
}

/**
 * The WHERE conditions and ORDER BY of a catalog search over `rm_catalog c`
 * joined to `rm_assets a`, with their parameters: values only ever travel as
 * parameters. `visible` is the caller's browse scope (undefined: every
 * network): an asset is listed when one of its networks is in it.
 */
export function buildSearch(query: CatalogQuery, visible: readonly string[] | undefined) {
  const params = sqlParams();
  const { param } = params;
  const where: string[] = [];
  if (visible !== undefined) where.push(`c.networks && ${param([...visible])}::text[]`);
  for (const term of searchTerms(query.q)) {
    // Two characters have no trigram of their own: the doubled text gives the index two, the plain one the answer.
    if ([...term].length === 2) where.push(`c.search_pairs like ${param(likePattern(paired(term)))} escape '\\'`);
    where.push(`c.search_text like ${param(likePattern(term))} escape '\\'`);
  }
  if (query.network) where.push(`c.networks @> array[${param(query.network)}]::text[]`);
  if (query.type) where.push(`c.media_type = ${param(query.type)}`);
  if (query.program) where.push(`c.programme = ${param(query.program)}`);
  if (query.from) where.push(`c.created_at >= ${param(time('from', query.from))}::timestamptz`);
  if (query.to) where.push(`c.created_at < ${param(time('to', query.to))}::timestamptz`);
  if (query.state) where.push(`a.state = ${param(query.state)}`);
  if (query.sourceNetwork) where.push(`c.source_network = ${param(query.sourceNetwork)}`);
  if (query.target) where.push(`a.targets @> ${param(JSON.stringify([query.target]))}::jsonb`);
  const oldest = query.sort === 'oldest';
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor);
    where.push(`(c.created_at, c.asset_id) ${oldest ? '>' : '<'} (${param(at)}::timestamptz, ${param(id)})`);
  }
  const direction = oldest ? 'asc' : 'desc';
  return { where, orderBy: `c.created_at ${direction}, c.asset_id ${direction}`, params };
}
