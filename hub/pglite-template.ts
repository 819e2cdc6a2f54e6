/*
 * The embedded database's template: a PGlite data directory, initdb'd and
 * migrated once, that a new data directory starts as a copy of. initdb is most
 * of a first start (several seconds of WASM); copying some 40 MB of files is
 * tens of milliseconds, and the copy then opens as any existing database does.
 *
 * Why a folder copied rather than PGlite's `loadDataDir` tarball: the tarball
 * is unpacked through PGlite's in-memory filesystem and synced back to disk,
 * which measured 4.1 s against 2.2 s for opening a copy (docs/benchmarks.md).
 *
 * The template is keyed by the PGlite version and the content of every
 * migration, so an edited or added migration never starts a database from an
 * old schema: a new key makes a new template (on `npm ci`'s `prepare`, or on the
 * first start that needs it).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createPGliteSql } from '../lib/db/adapters/pglite';
import { migrateLatest } from '../migrations/run';

const BUILD = join(__dirname, '..', '.mxhub-build');
const MIGRATIONS = join(__dirname, '..', 'migrations');
/** Older templates are removed once this old: a start may still be copying one. */
const KEEP_OLD_MS = 3_600_000;

function templateKey(): string {
  const hash = createHash('sha256');
  const pglite = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  hash.update((JSON.parse(readFileSync(pglite, 'utf8')) as { version: string }).version);
  for (const name of readdirSync(MIGRATIONS).sort()) {
    if (!/^\d+_\w+\.ts$/.test(name)) continue;
    hash.update(`\0${name}\0`).update(readFileSync(join(MIGRATIONS, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

function removeOldTemplates(current: string): void {
  for (const name of readdirSync(BUILD)) {
    const dir = join(BUILD, name);
    if (!name.startsWith('pglite-') || dir === current) continue;
    if (Date.now() - statSync(dir).mtimeMs > KEEP_OLD_MS) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The current template's folder, made first if missing. Concurrent makers each
 * build their own and the first rename wins. Undefined when it cannot be made
 * (a read-only install): the caller then runs initdb as before.
 */
export async function ensurePGliteTemplate(): Promise<string | undefined> {
  try {
    const dir = join(BUILD, `pglite-${templateKey()}`);
    if (existsSync(join(dir, 'PG_VERSION'))) return dir;
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    const sql = await createPGliteSql({ dataDir: tmp });
    try {
      await migrateLatest(sql);
    } finally {
      await sql.close();
    }
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true });
    }
    removeOldTemplates(dir);
    return existsSync(join(dir, 'PG_VERSION')) ? dir : undefined;
  } catch {
    return undefined;
  }
}
