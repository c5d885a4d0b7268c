// A new database starts as a copy of CRMQ_EMPTY_DB when that is set (the test run sets it: test/global-setup.ts):
// the copy must be the database the DDL makes, or every other test would be testing something else.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, withDb } from '../src/db/database.js';
import { tmp } from './helpers.js';

const template = process.env.CRMQ_EMPTY_DB;
afterEach(() => {
  process.env.CRMQ_EMPTY_DB = template;
});

/** Everything a crmq database holds besides rows: tables and their comments, columns, views, sequences, constraints, indexes, macros. */
async function catalogue(path: string): Promise<Record<string, unknown[]>> {
  const here = `database_name = current_database() AND schema_name = 'main'`;
  return withDb(path, async (db) => ({
    tables: await db.all(`SELECT table_name, comment, column_count, estimated_size FROM duckdb_tables() WHERE ${here} ORDER BY ALL`),
    columns: await db.all(`SELECT table_name, column_index, column_name, data_type, column_default, is_nullable, comment FROM duckdb_columns() WHERE ${here} ORDER BY ALL`),
    views: await db.all(`SELECT view_name, sql FROM duckdb_views() WHERE ${here} ORDER BY ALL`),
    sequences: await db.all(`SELECT sequence_name, start_value, increment_by, last_value FROM duckdb_sequences() WHERE ${here} ORDER BY ALL`),
    constraints: await db.all(`SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() WHERE ${here} ORDER BY ALL`),
    indexes: await db.all(`SELECT index_name, sql FROM duckdb_indexes() WHERE ${here} ORDER BY ALL`),
    macros: await db.all(`SELECT function_name, macro_definition FROM duckdb_functions() WHERE ${here} ORDER BY ALL`),
    next: await db.all(`SELECT nextval('import_id_seq') AS import, nextval('pull_id_seq') AS pull, nextval('check_run_seq') AS run`),
  }));
}

describe('a new database from the empty template', () => {
  it('is the database the DDL makes: same catalogue, sequences at their start', async () => {
    expect(template && existsSync(template), 'the test run builds CRMQ_EMPTY_DB').toBe(true);
    const dir = tmp();
    const copied = join(dir, 'copied.duckdb');
    (await openDb(copied)).close();
    delete process.env.CRMQ_EMPTY_DB;
    const built = join(dir, 'built.duckdb');
    (await openDb(built)).close();
    const a = await catalogue(copied);
    expect(a.tables.length).toBeGreaterThan(10);
    expect(a.next).toEqual([{ import: 1, pull: 1, run: 1 }]);
    expect(a).toEqual(await catalogue(built));
  });

  it('is what a new file starts from (a marker table in the template shows up), never written over an existing file', async () => {
    const dir = tmp();
    const marked = join(dir, 'marked.duckdb');
    await withDb(marked, (db) => db.run('CREATE TABLE marker (x INTEGER)'));
    process.env.CRMQ_EMPTY_DB = marked;
    const fresh = join(dir, 'fresh.duckdb');
    expect(await withDb(fresh, (db) => db.all(`SELECT table_name FROM duckdb_tables() WHERE table_name = 'marker'`))).toEqual([{ table_name: 'marker' }]);
    // An existing database keeps its own contents.
    const own = join(dir, 'own.duckdb');
    delete process.env.CRMQ_EMPTY_DB;
    await withDb(own, (db) => db.run('CREATE TABLE mine AS SELECT 1 AS y'));
    process.env.CRMQ_EMPTY_DB = marked;
    expect(await withDb(own, (db) => db.all(`SELECT table_name FROM duckdb_tables() WHERE table_name IN ('marker', 'mine')`))).toEqual([{ table_name: 'mine' }]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.empty'))).toEqual([]);
  });

  it('is refused when it holds rows (a stray CRMQ_EMPTY_DB pointing at a real database): no file is left', async () => {
    const dir = tmp();
    const filled = join(dir, 'filled.duckdb');
    delete process.env.CRMQ_EMPTY_DB;
    await withDb(filled, (db) => db.run(`CREATE TABLE someone AS SELECT 'Анна' AS name`));
    process.env.CRMQ_EMPTY_DB = filled;
    const fresh = join(dir, 'fresh.duckdb');
    await expect(openDb(fresh)).rejects.toThrow(/^CRMQ_EMPTY_DB: .*filled\.duckdb holds 1 rows, not an empty crmq database/);
    expect(readdirSync(dir).sort()).toEqual(['filled.duckdb']);
  });

  it('a missing folder is still reported as one', async () => {
    const path = join(tmp(), 'no', 'such', 'x.duckdb');
    await expect(openDb(path)).rejects.toThrow(/cannot create the database: there is no folder/);
  });
});
