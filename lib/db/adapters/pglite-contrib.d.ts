// The repository resolves modules the Node 10 way, which does not read package.json "exports": this names the
// PGlite contrib subpath the adapter loads (node and jest resolve it through "exports" at run time).
declare module '@electric-sql/pglite/contrib/pg_trgm' {
  import type { Extension } from '@electric-sql/pglite';
  export const pg_trgm: Extension;
}
