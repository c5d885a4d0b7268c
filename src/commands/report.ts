// `crmq report` and `crmq reports list`: run validated reports and write them where asked.
import { Option, type Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withDb, type Db } from '../db/database.js';
import { CrmqError } from '../errors.js';
import { loadConfig, SHIPPED_SEMANTICS } from '../rules/config.js';
import { loadSemantics } from '../rules/semantics.js';
import { prepareReportContext, reportSetupSql, resolvePeriod } from '../reports/context.js';
import { loadReports, SHIPPED_REPORTS } from '../reports/load-reports.js';
import { compareRows, comparedView, dataNote, dataStamp, earlierPeriod, parseCompare, readSavedRun, saveRun, type DataStamp } from '../reports/compare.js';
import { idsInFolders } from '../yaml-file.js';
import type { ReportDef } from '../reports/report-def.js';
import { CATEGORIES } from '../reports/report-def.js';
import type { Lang } from '../reports/render/i18n.js';
import type { ReportResult } from '../reports/run-report.js';
import { STATUS_RANK, type Status } from '../reports/validation.js';
import type { Progress } from '../ui/progress.js';
import { collect, dbOption, type Io } from './command.js';

export const REPORT_FORMATS = ['table', 'csv', 'xlsx', 'html', 'json', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions {
  db?: string;
  config?: string;
  reports?: string[];
  ids?: string[];
  category?: string;
  all?: boolean;
  from?: string;
  to?: string;
  asOf?: string;
  params?: Record<string, string>;
  format?: ReportFormat;
  out?: string;
  lang?: Lang;
  failOn?: 'invalid' | 'warning';
  /** previous-period, previous-run or YYYY-MM-DD..YYYY-MM-DD: each figure beside its earlier value (compare.ts). */
  compare?: string;
  /** Save each report's figures for the next --compare previous-run (default true). */
  remember?: boolean;
  /** A progress display for this database connection (the CLI passes one; it draws only on a terminal). */
  progress?: (db: Db) => Promise<Progress>;
}

export interface ReportRun {
  results: ReportResult[];
  /** Files written (with --out). */
  files: string[];
  /** What to print on stdout, when not written to files. */
  text?: string;
  failed: boolean;
  /** Lines for stderr: a report with no earlier run to compare with. */
  notes: string[];
}

/** The report definitions; with `only` (reports named on the command line), just those files are read. */
async function definitions(opts: { reports?: string[] }, only?: string[]): Promise<ReportDef[]> {
  const dirs = [SHIPPED_REPORTS, ...(opts.reports ?? [])];
  const defs = loadReports(dirs, only);
  const missing = (only ?? []).find((id) => !defs.some((d) => d.id === id));
  if (missing !== undefined) {
    const { default: Fuse } = await import('fuse.js');
    const [near] = new Fuse(idsInFolders(dirs), { threshold: 0.4 }).search(missing);
    throw new CrmqError(`report "${missing}" does not exist${near ? ` (did you mean ${near.item}?)` : ''} (see \`crmq reports list\`)`);
  }
  return defs;
}

function select(defs: ReportDef[], opts: ReportOptions): ReportDef[] {
  if (opts.category && !CATEGORIES.includes(opts.category as (typeof CATEGORIES)[number])) {
    throw new CrmqError(`--category: "${opts.category}" is not one of ${CATEGORIES.join(', ')}`);
  }
  if (!opts.all && !opts.category && !opts.ids?.length) throw new CrmqError('say which reports: ids, --category <name> or --all (see `crmq reports list`)');
  // Reports named on the command line come in the order given, then the rest of a category or --all.
  const named = (opts.ids ?? []).flatMap((id) => defs.filter((d) => d.id === id));
  const chosen = [...named, ...defs.filter((d) => !named.includes(d) && (opts.all || (opts.category && d.category === opts.category)))];
  for (const id of opts.ids ?? []) if (!defs.some((d) => d.id === id)) throw new CrmqError(`report "${id}" does not exist (see \`crmq reports list\`)`);
  return chosen;
}

function paramsFor(def: ReportDef, given: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...def.params };
  for (const [k, v] of Object.entries(given)) if (k in def.params) out[k] = typeof def.params[k] === 'number' ? Number(v) : v;
  return out;
}

export async function reportCommand(opts: ReportOptions): Promise<ReportRun> {
  // The report runner and its validations load while the database opens and the setup runs (DuckDB works on its own
  // thread): on the demo, a one-report run is about 30 ms shorter than loading them first.
  const runner = import('../reports/run-report.js');
  const config = loadConfig(opts.config);
  const lang = opts.lang ?? 'en';
  const format = opts.format ?? 'table';
  const period = resolvePeriod(opts);
  const compare = opts.compare ? parseCompare(opts.compare) : undefined;
  const defs = select(await definitions(opts, opts.all || opts.category ? undefined : opts.ids), opts);
  const semantics = loadSemantics([SHIPPED_SEMANTICS, ...config.semantics]);
  for (const k of Object.keys(opts.params ?? {})) {
    if (!defs.some((d) => k in d.params)) throw new CrmqError(`--param ${k}: none of the chosen reports has a parameter "${k}"`);
  }
  return withDb(
    opts.db,
    async (db) => {
      const results: ReportResult[] = [];
      const stamps: DataStamp[] = [];
      const notes: string[] = [];
      const progress = defs.length > 1 ? await opts.progress?.(db) : undefined;
      progress?.phase('report', defs.length, 'reports');
      try {
        for (const def of defs) {
          progress?.tick(results.length, def.id);
          const params = paramsFor(def, opts.params ?? {});
          await prepareReportContext(db, period, params, semantics, def);
          const { runReport } = await runner;
          const r = await runReport(db, def, period, params);
          const data = await dataStamp(db, def.inputs);
          if (compare?.kind === 'previous-run') {
            const saved = readSavedRun(db.path, def.id);
            if (saved) r.comparison = compareRows(r, saved.rows, { against: 'previous-run', period: saved.period, at: saved.at, note: dataNote(saved.data, data) });
            else notes.push(`${def.id}: no earlier run saved for ${db.path}, nothing to compare with (this run is saved for the next)`);
          } else if (compare) {
            const p = earlierPeriod(compare, period);
            await prepareReportContext(db, p, params, semantics, def);
            r.comparison = compareRows(r, (await runReport(db, def, p, params)).rows, { against: compare.kind, period: p });
          }
          results.push(r);
          stamps.push(data);
        }
      } finally {
        progress?.stop();
      }
      // Every report saved only once all of them ran: the next --compare previous-run reads these.
      if (opts.remember !== false) results.forEach((r, i) => saveRun(db.path, r, stamps[i]));
      const shown = results.map(comparedView);
      const files: string[] = [];
      const write = (name: string, content: string) => {
        const path = join(opts.out!, name);
        writeFileSync(path, content);
        files.push(path);
      };
      if (opts.out) mkdirSync(opts.out, { recursive: true });
      let text: string | undefined;
      const base = results.length === 1 ? results[0].id : 'reports';
      const title = results.length === 1 ? results[0].title[lang] : lang === 'ru' ? 'Отчёты crmq' : 'crmq reports';
      switch (format) {
        case 'json': {
          const { reportJson } = await import('../reports/render/report-json.js');
          const one = (r: ReportResult, i: number) => ({
            ...reportJson(shown[i]),
            ...(r.comparison ? { compared_with: { against: r.comparison.against, period: r.comparison.period, at: r.comparison.at, note: r.comparison.note?.en, earlier_rows_gone: r.comparison.gone.length } } : {}),
          });
          const json = JSON.stringify(results.length === 1 ? one(results[0], 0) : results.map(one), null, 2) + '\n';
          if (opts.out) write(`${base}.json`, json);
          else text = json;
          break;
        }
        case 'csv': {
          const { reportCsv } = await import('../reports/render/report-csv.js');
          if (opts.out) for (const r of shown) write(`${r.id}.csv`, reportCsv(r));
          else if (results.length === 1) text = reportCsv(shown[0]);
          else throw new CrmqError('--format csv writes one file per report: give --out <dir>');
          break;
        }
        case 'md': {
          const { reportMarkdown } = await import('../reports/render/report-markdown.js');
          const md = `# ${title}\n\n${shown.map((r) => reportMarkdown(r, lang)).join('\n')}`;
          if (opts.out) write(`${base}.md`, md);
          else text = md;
          break;
        }
        case 'html': {
          const { reportsHtml } = await import('../reports/render/reports-html.js');
          const html = await reportsHtml(shown, lang, title);
          if (opts.out) write(`${base}.html`, html);
          else text = html;
          break;
        }
        case 'xlsx': {
          if (!opts.out) throw new CrmqError('--format xlsx needs --out <dir>');
          const { reportsXlsx } = await import('../reports/render/reports-xlsx.js');
          const quality = await db.all(`SELECT rule, severity, source, count(*) AS findings FROM latest_findings GROUP BY ALL ORDER BY findings DESC`);
          await reportsXlsx(shown, join(opts.out, `${base}.xlsx`), lang, quality);
          files.push(join(opts.out, `${base}.xlsx`));
          break;
        }
        default:
          break;
      }
      const threshold: Status | undefined = opts.failOn;
      const failed = threshold ? results.some((r) => STATUS_RANK[r.status] >= STATUS_RANK[threshold]) : false;
      return { results, files, text, failed, notes };
    },
    // Reports only read: a read-only connection (report SQL cannot write), and readers do not wait for each other.
    { mustExist: true, readOnly: true, settings: config.database },
  );
}

/** `crmq report <id> --sql`: the setup and the query, to paste into the duckdb shell. */
export async function reportSqlCommand(id: string, opts: ReportOptions): Promise<string> {
  return (await reportScripts([id], opts))[id];
}

/** The `--sql` script of each report named, from one opening of the database. */
export async function reportScripts(ids: string[], opts: ReportOptions): Promise<Record<string, string>> {
  const found = await definitions(opts, ids);
  const defs = ids.map((id) => found.find((d) => d.id === id)!);
  const config = loadConfig(opts.config);
  const semantics = loadSemantics([SHIPPED_SEMANTICS, ...config.semantics]);
  return withDb(
    opts.db,
    async (db) => {
      const out: Record<string, string> = {};
      for (const def of defs) out[def.id] = `${await reportSetupSql(db, resolvePeriod(opts), paramsFor(def, opts.params ?? {}), semantics, def)}\n\n${def.sql}`;
      return out;
    },
    { mustExist: true, readOnly: true, settings: config.database },
  );
}

export async function reportsListCommand(opts: { db?: string; reports?: string[] }) {
  const defs = await definitions(opts);
  const counts = await withDb(opts.db, async (db) => {
    const tables = [...new Set(defs.flatMap((d) => d.inputs))];
    const [row] = await db.all<Record<string, number>>(`SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`);
    return row;
  }, { mustExist: true, readOnly: true }).catch(() => undefined);
  return defs.map((d) => ({
    id: d.id, category: d.category, title: d.title.en, inputs: d.inputs.join(', '),
    data: counts ? (d.inputs.filter((t) => !counts[t]).length ? `missing: ${d.inputs.filter((t) => !counts[t]).join(', ')}` : 'yes') : '(no database)',
  }));
}

const params = (v: string, prev: Record<string, string> = {}) => {
  const i = v.indexOf('=');
  if (i < 1) throw new CrmqError(`--param: "${v}" is not name=value`);
  return { ...prev, [v.slice(0, i)]: v.slice(i + 1) };
};

export function configure(cmd: Command, io: Io): void {
  cmd
    .argument('[ids...]', 'report ids (see `crmq reports list`)')
    .option('--category <name>', `every report of a category: ${CATEGORIES.join(', ')}`)
    .option('--all', 'every report')
    .option('--from <date>', 'period start, YYYY-MM-DD (default: first day of last full month)')
    .option('--to <date>', 'period end, YYYY-MM-DD (default: last day of last full month, or --as-of with --from)')
    .option('--as-of <date>', 'the date balances and open items are taken at (default: today)')
    .option('--param <name=value>', 'a report parameter, e.g. currency=RUB (repeatable)', params)
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).default('table'))
    .option('--out <dir>', 'write files here instead of printing (required for xlsx, and for csv of several reports)')
    .addOption(new Option('--lang <lang>', 'language of every label').choices(['en', 'ru']).default('en'))
    .option('--compare <with>', 'each figure beside its earlier value and change: previous-period, previous-run (the figures the last run saved) or YYYY-MM-DD..YYYY-MM-DD')
    .addOption(new Option('--fail-on <status>', 'exit 1 when a report is at least this bad').choices(['invalid', 'warning']))
    .option('--sql', 'print the setup and SQL of one report, to run by hand in the duckdb shell')
    .option('--reports <dir>', 'an extra folder of report definitions (repeatable)', collect)
    .option('--config <file>', 'project config (default: ./crmq.yaml if present)')
    .addOption(dbOption())
    .action(async (ids: string[], o) => {
      if (o.sql) {
        if (ids.length !== 1) throw new CrmqError('--sql takes exactly one report id');
        io.stdout((await reportSqlCommand(ids[0], { ...o, params: o.param })) + '\n');
        return;
      }
      // The terminal table's modules load while the reports run; the progress display's only for several reports.
      const tableUi = o.format === 'table' ? import('../ui/report-table.js') : undefined;
      const progress = async (db: Db) => (await import('../ui/progress.js')).progressFor(db.conn);
      const run = await reportCommand({ ...o, ids, params: o.param, failOn: o.failOn, progress });
      if (tableUi) {
        const { reportTable } = await tableUi;
        const { comparedView, comparisonLine } = await import('../reports/compare.js');
        for (const r of run.results) io.stdout(reportTable(comparedView(r), o.lang, io.columns) + (r.comparison ? `${comparisonLine(r.comparison)[o.lang as Lang]}\n` : '') + '\n');
      } else if (run.text !== undefined) io.stdout(run.text);
      for (const n of run.notes) io.stderr(`${n}\n`);
      for (const f of run.files) io.stderr(`wrote ${f}\n`);
      const bad = run.results.filter((r) => r.status !== 'valid');
      if (o.format !== 'table') io.stderr(`${run.results.length} reports: ${run.results.length - bad.length} valid, ${bad.filter((r) => r.status === 'warning').length} with warnings, ${bad.filter((r) => r.status === 'invalid').length} invalid\n`);
      if (run.failed) io.setExit(1);
    });
}
