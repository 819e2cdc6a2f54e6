import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPGliteSql } from './pglite';

describe('a new embedded database starts as a copy of its template', () => {
  let base: string;
  let template: string;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mxhub-pglite-template-'));
    template = join(base, 'template');
    const sql = await createPGliteSql({ dataDir: template });
    await sql.query('create table made_by_template (x int)');
    await sql.query('insert into made_by_template values (1)');
    await sql.close();
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  test('given an empty directory, when opened with a template, then it holds the template database', async () => {
    const dir = join(base, 'fresh');
    const sql = await createPGliteSql({ dataDir: dir, template: async () => template });
    try {
      expect(await sql.query('select x from made_by_template')).toEqual([{ x: 1 }]);
      await sql.query('insert into made_by_template values (2)');
    } finally {
      await sql.close();
    }
    // The copy is its own database: the template is as it was.
    const again = await createPGliteSql({ dataDir: template });
    expect(await again.query('select x from made_by_template')).toEqual([{ x: 1 }]);
    await again.close();
  });

  test('given a directory that holds a database, then the template is not asked for', async () => {
    const dir = join(base, 'existing');
    await (await createPGliteSql({ dataDir: dir })).close();
    let asked = false;
    const sql = await createPGliteSql({ dataDir: dir, template: async () => ((asked = true), template) });
    try {
      expect(asked).toBe(false);
      await expect(sql.query('select x from made_by_template')).rejects.toThrow(/does not exist/);
    } finally {
      await sql.close();
    }
  });

  test('given no template to give, then the database is made by initdb as usual', async () => {
    const dir = join(base, 'initdb');
    const sql = await createPGliteSql({ dataDir: dir, template: async () => undefined });
    expect(await sql.query('select 1 as one')).toEqual([{ one: 1 }]);
    await sql.close();
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
  });
});
