// `crmq demo`: a fresh database from the bundled sample exports, then every step the toolkit has, outputs in out/.
import { Option, type Command } from 'commander';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withDb } from '../db/database.js';
import { importFile, type ImportResult } from '../import/import-file.js';
import { findingsJson } from '../outputs/findings-json.js';
import { findingsJunit } from '../outputs/findings-junit.js';
import { findingsMarkdown } from '../outputs/findings-markdown.js';
import { findingsXlsx } from '../outputs/findings-xlsx.js';
import { checkCommand, type CheckResult } from './check.js';
import { reportCommand } from './report.js';
import type { ReportResult } from '../reports/run-report.js';
import type { Lang } from '../reports/render/i18n.js';
import { packagePath } from '../paths.js';
import type { Io } from './command.js';

export const SAMPLE_DIR = packagePath('fixtures', 'sample');

/** The part of fixtures/sample/manifest.json (written by fixtures/generate.ts) the demo reads: which file to import how. */
interface SampleManifest {
  files: { path: string; source: string; preset: string; entity: string }[];
}

export interface DemoResult {
  db: string;
  imports: ImportResult[];
  check: CheckResult;
  reports: ReportResult[];
  exitCode: number;
}

export async function demoCommand(opts: { out: string; db?: string; lang?: Lang; log?: (line: string) => void }): Promise<DemoResult> {
  const log = opts.log ?? (() => {});
  mkdirSync(opts.out, { recursive: true });
  const dbPath = opts.db ?? join(opts.out, 'demo.duckdb');
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
  const manifest = JSON.parse(readFileSync(join(SAMPLE_DIR, 'manifest.json'), 'utf8')) as SampleManifest;
  const imports: ImportResult[] = [];
  await withDb(dbPath, async (db) => {
    for (const f of manifest.files) {
      const r = await importFile(db, {
        file: join(SAMPLE_DIR, f.path), source: f.source, preset: f.preset === 'canonical' ? 'canonical' : 'auto', entity: f.preset === 'canonical' ? f.entity : undefined,
      });
      imports.push(r);
      log(`import ${f.path} → ${r.entity} [${r.preset}]: read ${r.rowsRead}, loaded ${r.rowsLoaded}, rejected ${r.rowsRejected}`);
      for (const x of r.rejectSample) log(`  rejected row ${x.line}: ${x.reason}`);
    }
  });
  log(`database: ${dbPath}`);
  // Data quality: every shipped rule, with the outputs CI and analysts use.
  const check = await checkCommand({ db: dbPath });
  writeFileSync(join(opts.out, 'check.json'), findingsJson(check));
  writeFileSync(join(opts.out, 'check.junit.xml'), findingsJunit(check));
  writeFileSync(join(opts.out, 'check.md'), findingsMarkdown(check));
  await findingsXlsx(check, join(opts.out, 'check.xlsx'));
  log(`check: ${check.summary.rules} rules, ${check.summary.findings} findings (${check.summary.by_severity.error} error, ${check.summary.by_severity.warn} warn) → ${join(opts.out, 'check.{json,junit.xml,md,xlsx}')}`);
  // Every report for the fixtures' year to date, as of the day the sample exports were taken.
  const period = { from: '2026-01-01', to: '2026-10-31', asOf: '2026-11-20' };
  const html = await reportCommand({ db: dbPath, all: true, ...period, format: 'html', out: opts.out, lang: opts.lang });
  await reportCommand({ db: dbPath, all: true, ...period, format: 'xlsx', out: opts.out, lang: opts.lang });
  const count = (s: string) => html.results.filter((r) => r.status === s).length;
  log(`reports: ${html.results.length} (${count('valid')} valid, ${count('warning')} with warnings, ${count('invalid')} invalid) → ${join(opts.out, 'reports.{html,xlsx}')}`);
  // Which report is invalid, and the check that made it so.
  for (const r of html.results.filter((x) => x.status === 'invalid')) {
    const why = r.validations.filter((v) => v.status === 'invalid').map((v) => `${v.name}: ${v.message.en}`).join('; ');
    log(`  invalid: ${r.id} (${why})`);
  }
  return { db: dbPath, imports, check, reports: html.results, exitCode: 0 };
}

export function configure(cmd: Command, io: Io): void {
  cmd
    .option('--out <dir>', 'output folder', 'out')
    .addOption(new Option('--db <path>', 'database file to (re)create').default(undefined, '<out>/demo.duckdb'))
    .addOption(new Option('--lang <lang>', 'language of the reports').choices(['en', 'ru']).default('en'))
    .action(async (o) => {
      const res = await demoCommand({ out: o.out, db: o.db, lang: o.lang, log: (s) => io.stdout(s + '\n') });
      io.setExit(res.exitCode);
    });
}
