// Writes the database as a Parquet lake any engine can read: the canonical tables partitioned by source (activities
// also by month), the import log, rejects, pulls, check runs and findings, duplicate clusters and report results,
// with manifest.json listing every file and its rows, and duckdb-views.sql naming them for DuckDB. The lake is
// written beside its destination and moved into place at the end, so a failure leaves no half-written lake.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Db } from '../db/database.js';
import { ident, lit } from '../db/sql.js';
import { CrmqError } from '../errors.js';
import { ENTITIES } from '../model/tables.js';
import type { Period } from '../reports/context.js';
import { prepareReportContext } from '../reports/context.js';
import type { ReportDef } from '../reports/report-def.js';
import { runReport } from '../reports/run-report.js';
import type { Semantics } from '../rules/semantics.js';
import { duckdbViews } from './duckdb-views.js';
import { LAKE_FORMAT, LAKE_VERSION, MANIFEST, type LakeTable, type Manifest, type TableKind, OTHER_TABLES, tablesOfKind } from './manifest.js';

export interface ExportOptions {
  out: string;
  crmqVersion: string;
  /** Report results to include: the definitions, the period and the semantic standard they run with. */
  reports?: { defs: ReportDef[]; period: Period; semantics: Semantics };
  onPhase?: (label: string) => void;
}

export interface ExportResult {
  out: string;
  manifest: Manifest;
}

/** Partition columns of each canonical table: every table by source, activities (the big one) also by month. */
export const PARTITIONS: Record<string, { by: string[]; derived?: Record<string, string> }> = Object.fromEntries(
  ENTITIES.map((e) => [e, e === 'activities' ? { by: ['source', 'created_month'], derived: { created_month: `strftime(created_at, '%Y-%m')` } } : { by: ['source'] }]),
);

/** A lake folder may be replaced; any other non-empty folder is not ours to delete. */
function checkDestination(out: string): void {
  if (!existsSync(out)) return;
  const entries = readdirSync(out);
  if (entries.length > 0 && !entries.includes(MANIFEST)) {
    throw new CrmqError(`--out ${out}: the folder exists and is not a crmq lake; give a new or empty folder`);
  }
}

export async function exportLake(db: Db, opts: ExportOptions): Promise<ExportResult> {
  const out = resolve(opts.out);
  checkDestination(out);
  mkdirSync(dirname(out), { recursive: true });
  const partial = `${out}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const phase = (what: string) => opts.onPhase?.(`export: ${what}`);
  try {
    const tables: LakeTable[] = [];
    // One transaction: every table comes from the same snapshot of the database.
    await db.transaction(async () => {
      for (const e of ENTITIES) {
        phase(e);
        tables.push(await writeTable(db, partial, { name: e, kind: 'canonical', from: e, ...PARTITIONS[e] }));
      }
      await checkTablesKnown(db);
      for (const t of tablesOfKind('bookkeeping')) tables.push(await writeTable(db, partial, { name: t, kind: 'bookkeeping', from: t, by: [] }));
      phase('findings');
      for (const t of tablesOfKind('findings')) tables.push(await writeTable(db, partial, { name: t, kind: 'findings', from: t, by: [] }));
      tables.push(
        await writeTable(db, partial, {
          name: 'duplicate_clusters', kind: 'derived', by: [],
          from: `(SELECT cluster, rule, entity, source, source_id FROM latest_findings WHERE cluster IS NOT NULL ORDER BY cluster, entity, source, source_id)`,
        }),
      );
      if (opts.reports) tables.push(...(await writeReports(db, partial, opts.reports, phase)));
    });
    const manifest: Manifest = {
      format: LAKE_FORMAT, lake_version: LAKE_VERSION, crmq_version: opts.crmqVersion, exported_at: new Date().toISOString(),
      ...(opts.reports ? { reports: { start: opts.reports.period.start, end: opts.reports.period.end, as_of: opts.reports.period.asOf } } : {}),
      tables,
    };
    writeFileSync(join(partial, 'duckdb-views.sql'), duckdbViews(manifest));
    writeFileSync(join(partial, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    // Into place: the old lake (if any) moves aside first and is deleted only once the new one is there.
    const old = `${out}.old-${process.pid}`;
    if (existsSync(out)) renameSync(out, old);
    renameSync(partial, out);
    rmSync(old, { recursive: true, force: true });
    return { out, manifest };
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** A table the lake does not know would be silently left out: refuse instead (a crmq version that forgot to list it). */
async function checkTablesKnown(db: Db): Promise<void> {
  const tables = await db.all<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary ORDER BY 1`);
  const unknown = tables.map((t) => t.name).filter((t) => !(ENTITIES as string[]).includes(t) && !Object.hasOwn(OTHER_TABLES, t));
  if (unknown.length) throw new Error(`the lake does not know table(s) ${unknown.join(', ')} (src/lake/manifest.ts OTHER_TABLES)`);
}

interface TableSpec {
  name: string;
  kind: TableKind;
  /** A table name or a parenthesised query. */
  from: string;
  by: string[];
  derived?: Record<string, string>;
}

/** One table as Parquet under <lake>/<name>/: partitioned when it has rows and partition columns, else one file. */
async function writeTable(db: Db, lake: string, t: TableSpec): Promise<LakeTable> {
  const dir = join(lake, t.name);
  const derived = Object.entries(t.derived ?? {});
  const select = `SELECT *${derived.map(([c, e]) => `, ${e} AS ${ident(c)}`).join('')} FROM ${t.from}`;
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${t.from}`);
  mkdirSync(dir, { recursive: true });
  if (n > 0 && t.by.length) {
    await db.run(`COPY (${select}) TO ${lit(dir)} (FORMAT parquet, PARTITION_BY (${t.by.map(ident).join(', ')}), WRITE_PARTITION_COLUMNS true, FILENAME_PATTERN 'part_{i}')`);
  } else {
    // An empty table is still one file, so that every engine sees its columns.
    await db.run(`COPY (${select}) TO ${lit(join(dir, 'part_0.parquet'))} (FORMAT parquet)`);
  }
  const files = await db.all<{ path: string; rows: number; bytes: number }>(
    `SELECT file_name AS path, num_rows AS rows, file_size_bytes AS bytes FROM parquet_file_metadata(${lit(`${dir}/**/*.parquet`)}) ORDER BY file_name`,
  );
  const columns = await db.all<{ name: string; type: string }>(`SELECT column_name AS name, column_type AS type FROM (DESCRIBE ${select})`);
  const rows = files.reduce((a, f) => a + f.rows, 0);
  if (rows !== n) throw new Error(`lake export of ${t.name}: wrote ${rows} rows, the table has ${n}`);
  return {
    name: t.name, kind: t.kind, dir: t.name, partition_by: n > 0 ? t.by : [], rows,
    files: files.map((f) => ({ ...f, path: relative(lake, f.path).split(sep).join('/') })),
    columns, derived_columns: derived.map(([c]) => c),
  };
}

/** Every report's rows as reports/<id>, and one row per report in report_runs: status, validations, period. */
async function writeReports(db: Db, lake: string, r: NonNullable<ExportOptions['reports']>, phase: (s: string) => void): Promise<LakeTable[]> {
  const out: LakeTable[] = [];
  const runs: string[] = [];
  for (const def of r.defs) {
    phase(`report ${def.id}`);
    await prepareReportContext(db, r.period, def.params, r.semantics, def);
    const res = await runReport(db, def, r.period, def.params, { keepAs: 'crmq_report_rows' });
    out.push(await writeTable(db, lake, { name: `reports/${def.id}`, kind: 'report', from: 'crmq_report_rows', by: [] }));
    runs.push(
      `(${lit(def.id)}, ${lit(def.category)}, ${lit(def.title.en)}, ${lit(res.status)}, ${res.rows.length}, DATE ${lit(r.period.start)}, DATE ${lit(r.period.end)}, DATE ${lit(r.period.asOf)}, ` +
        `${lit(JSON.stringify(def.params))}, ${lit(JSON.stringify(res.validations))})`,
    );
  }
  await db.run(`CREATE OR REPLACE TEMP TABLE crmq_report_runs (report VARCHAR, category VARCHAR, title VARCHAR, status VARCHAR, rows BIGINT,
    period_start DATE, period_end DATE, as_of DATE, params JSON, validations JSON)`);
  if (runs.length) await db.run(`INSERT INTO crmq_report_runs VALUES ${runs.join(', ')}`);
  await db.run('DROP TABLE IF EXISTS crmq_report_rows');
  out.unshift(await writeTable(db, lake, { name: 'report_runs', kind: 'derived', from: 'crmq_report_runs', by: [] }));
  return out;
}
