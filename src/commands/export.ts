// `crmq export --format parquet --out DIR`: the database as a Parquet lake other engines read (docs/lake.md).
import { Option, type Command } from 'commander';
import type { ExportResult } from '../lake/export-lake.js';
import type { Progress } from '../ui/progress.js';
import type { Db } from '../db/database.js';
import { CrmqError } from '../errors.js';
import { collect, dbOption, requireOptions, type Io } from './command.js';

export interface ExportCommandOptions {
  db?: string;
  out: string;
  config?: string;
  /** Leave the report results out. */
  noReports?: boolean;
  /** Only these reports (default: the whole catalogue). */
  report?: string[];
  from?: string;
  to?: string;
  asOf?: string;
  progress?: (db: Db) => Promise<Progress>;
}

export async function exportCommand(opts: ExportCommandOptions): Promise<ExportResult> {
  const { withDb } = await import('../db/database.js');
  const { exportLake } = await import('../lake/export-lake.js');
  const { packageVersion } = await import('../paths.js');
  const { loadConfig, SHIPPED_SEMANTICS } = await import('../rules/config.js');
  const config = loadConfig(opts.config);
  let reports: Parameters<typeof exportLake>[1]['reports'];
  if (!opts.noReports) {
    const { loadSemantics } = await import('../rules/semantics.js');
    const { loadReports, SHIPPED_REPORTS } = await import('../reports/load-reports.js');
    const { resolvePeriod } = await import('../reports/context.js');
    const all = loadReports([SHIPPED_REPORTS]);
    for (const id of opts.report ?? []) if (!all.some((d) => d.id === id)) throw new CrmqError(`--report: "${id}" does not exist (see \`crmq reports list\`)`);
    const defs = opts.report?.length ? all.filter((d) => opts.report!.includes(d.id)) : all;
    reports = { defs, period: resolvePeriod(opts), semantics: loadSemantics([SHIPPED_SEMANTICS, ...config.semantics]) };
  }
  return withDb(
    opts.db,
    async (db) => {
      const progress = await opts.progress?.(db);
      try {
        return await exportLake(db, { out: opts.out, crmqVersion: packageVersion(), reports, onPhase: progress?.phase });
      } finally {
        progress?.stop();
      }
    },
    { mustExist: true, settings: config.database },
  );
}

export function configure(cmd: Command, io: Io): void {
  cmd
    .addOption(new Option('--format <format>', 'lake file format').choices(['parquet']).default('parquet'))
    .option('--out <dir>', 'the lake folder (created; a lake already there is replaced once the new one is written)')
    .option('--no-reports', 'leave out the report results (the catalogue is run for the period otherwise)')
    .option('--report <ids>', 'only these reports, comma-separated (default: all)', collect)
    .option('--from <date>', 'report period start, YYYY-MM-DD (default: first day of last full month)')
    .option('--to <date>', 'report period end, YYYY-MM-DD (default: last day of last full month)')
    .option('--as-of <date>', 'the date report balances are taken at (default: today)')
    .option('--config <file>', 'project config (default: ./crmq.yaml if present)')
    .addOption(dbOption())
    .action(async (o) => {
      const { progressFor } = await import('../ui/progress.js');
      const { renderTable } = await import('../ui/table.js');
      const r = await exportCommand({ ...o, noReports: o.reports === false, progress: (db) => progressFor(db.conn) });
      const tables = r.manifest.tables;
      const rows = tables.filter((t) => t.kind !== 'report' || t.rows > 0).map((t) => ({ table: t.name, kind: t.kind, rows: t.rows, files: t.files.length, 'partitioned by': t.partition_by.join(', ') }));
      io.stdout(renderTable(rows, undefined, { maxWidth: 60 }) + '\n');
      const files = tables.reduce((a, t) => a + t.files.length, 0);
      io.stderr(`wrote ${r.out}: ${tables.length} tables, ${files} Parquet files, manifest.json\n`);
    });
  requireOptions(cmd, 'out');
}
