// Runs a rule against data-only cases (test/rules/cases/<rule-id>.yaml), like ESLint's RuleTester:
// each case loads rows into an emptied database (exports: a new one), runs the one rule, and compares the flagged ids.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../src/db/database.js';
import { importFile } from '../../src/import/import-file.js';
import { lit } from '../../src/db/sql.js';
import { sqlType } from '../../src/model/ddl.js';
import { fieldsOf, isEntity, type EntityName } from '../../src/model/tables.js';
import type { Rule } from '../../src/rules/rule.js';
import { runRules } from '../../src/rules/run-rules.js';
import { loadSemantics, SemanticsSchema, type Semantics } from '../../src/rules/semantics.js';
import { SHIPPED_SEMANTICS } from '../../src/rules/config.js';
import { tmp } from '../helpers.js';

/** One export, imported through the real import (drift rules compare the profiles of consecutive imports). */
export interface CaseImport {
  /** The file's text. */
  csv: string;
  source?: string;
  /** Default canonical: headers are crmq's field names and `id`. */
  preset?: string;
}

export interface RuleCase {
  name: string;
  /** Rows of the rule's entity, inserted as they are… */
  rows?: Record<string, unknown>[];
  /** …or exports imported in turn (for drift rules). */
  imports?: CaseImport[];
  tables?: Record<string, Record<string, unknown>[]>;
  semantics?: unknown;
  fail: string[];
}

const TODAY = () => new Date().toISOString().slice(0, 19).replace('T', ' ');

function literal(v: unknown, type: string): string {
  if (v === null || v === undefined) return 'NULL';
  if (Array.isArray(v)) return `CAST([${v.map((x) => lit(String(x))).join(', ')}] AS VARCHAR[])`;
  if (v === 'TODAY') return `CAST(${lit(TODAY())} AS ${type})`;
  return `CAST(${typeof v === 'number' ? v : lit(String(v))} AS ${type})`;
}

/** Inserts the rows, one INSERT per run of rows with the same columns (one per row took ~20 ms each). */
export async function insertRows(db: Db, entity: EntityName, rows: Record<string, unknown>[]): Promise<void> {
  const fields = fieldsOf(entity);
  let batch: { cols: string[]; values: string[] } | undefined;
  const flush = async () => {
    if (batch) await db.run(`INSERT INTO ${entity} (${batch.cols.join(', ')}) VALUES ${batch.values.join(',\n')}`);
    batch = undefined;
  };
  for (const row of rows) {
    const full: Record<string, unknown> = { source: 's', import_id: 0, ...row };
    const cols = Object.keys(full);
    for (const c of cols) if (!(c in fields) && !['source', 'source_id', 'import_id', 'source_line'].includes(c)) throw new Error(`case row for ${entity} has no field ${c}`);
    const types = cols.map((c) => (c in fields ? sqlType(fields[c].type) : c === 'import_id' || c === 'source_line' ? 'BIGINT' : 'VARCHAR'));
    if (batch && batch.cols.join() !== cols.join()) await flush();
    batch ??= { cols, values: [] };
    batch.values.push(`(${cols.map((c, i) => literal(full[c], types[i])).join(', ')})`);
  }
  await flush();
}

async function importAll(db: Db, entity: EntityName, imports: CaseImport[]): Promise<void> {
  if (!imports.length) return;
  const dir = mkdtempSync(join(tmpdir(), 'crmq-case-'));
  try {
    for (const [i, im] of imports.entries()) {
      const file = join(dir, `export-${i + 1}.csv`);
      writeFileSync(file, im.csv);
      await importFile(db, { file, source: im.source ?? 's', preset: im.preset ?? 'canonical', entity: im.preset && im.preset !== 'canonical' ? undefined : entity });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One database per test file for the cases of rows, emptied before each case: opening and closing a database (even a copy of an empty one)
 * cost more than most cases themselves. Every table is emptied, whatever made it (the DDL, the phone cache), and each
 * case's rule reads only its own run's findings; temp tables, macros and functions are made anew by each run.
 */
let shared: { dir: string; db: Promise<Db> } | undefined;

async function caseDb(): Promise<Db> {
  if (!shared) {
    const dir = mkdtempSync(join(tmpdir(), 'crmq-cases-'));
    shared = { dir, db: openDb(join(dir, 'cases.duckdb')) };
  }
  const db = await shared.db;
  const tables = await db.all<{ t: string }>(`SELECT table_name AS t FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary`);
  await db.run(tables.map((x) => `DELETE FROM "${x.t}";`).join('\n'));
  return db;
}

/** Closes and removes the file's case database (rule-cases.ts calls it after each file). */
export async function closeCaseDb(): Promise<void> {
  if (!shared) return;
  const { dir, db } = shared;
  shared = undefined;
  const open = await db;
  await open.run('PRAGMA disable_checkpoint_on_shutdown').catch(() => {}); // removed next: nothing to write back
  open.close();
  rmSync(dir, { recursive: true, force: true });
}

/** The source_ids the rule flags on the case's data. */
export async function runCase(rule: Rule, c: RuleCase): Promise<string[]> {
  // Cases of exports (drift rules) get a new database: they compare an import with the one before it.
  const db = c.imports ? await openDb(join(tmp(), 'case.duckdb')) : await caseDb();
  try {
    await insertRows(db, rule.entity, c.rows ?? []);
    await importAll(db, rule.entity, c.imports ?? []);
    for (const [table, rows] of Object.entries(c.tables ?? {})) {
      if (!isEntity(table)) throw new Error(`case table ${table} is not an entity`);
      await insertRows(db, table, rows);
    }
    const semantics: Semantics = c.semantics ? SemanticsSchema.parse(c.semantics) : loadSemantics([SHIPPED_SEMANTICS]);
    const { runId } = await runRules(db, [rule], { semantics, normalize: { defaultRegion: 'RU', regions: {} } });
    const found = await db.all<{ source_id: string }>(`SELECT source_id FROM findings WHERE run_id = ${runId} ORDER BY source_id`);
    return found.map((f) => f.source_id);
  } finally {
    if (c.imports) {
      // The folder is removed after the test: skip the checkpoint DuckDB writes on close (a third of the close).
      await db.run('PRAGMA disable_checkpoint_on_shutdown').catch(() => {});
      db.close();
    }
  }
}
