/**
 * The SQL port: the one thing the event store, projections and repositories
 * need from a database. Two adapters (node-postgres and PGlite) run the same
 * SQL, which is what keeps the embedded profile honest.
 */
export interface Sql {
  /** Runs one parameterised statement ($1, $2...) and returns its rows. */
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** Runs `fn` in one transaction; commits if it resolves, rolls back if it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Holds a dedicated session (one connection) for the life of `fn`: session
   * advisory locks and LISTEN need one. PGlite has a single session anyway.
   */
  session<T>(fn: (session: Sql) => Promise<T>): Promise<T>;
  /** Calls `onNotify` on NOTIFY to `channel`; the returned function unlistens. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** `postgres` or `pglite`: for messages and health, never for branching SQL. */
  readonly kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}
