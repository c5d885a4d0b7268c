// `crmq demo`: a fresh database from the bundled sample exports, then every step the toolkit has, outputs in out/.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDb } from '../db/database.js';
import { importFile, type ImportResult } from '../import/import-file.js';
import type { Manifest } from '../../fixtures/generate.js';
import { findingsJson } from '../outputs/findings-json.js';
import { findingsJunit } from '../outputs/findings-junit.js';
import { findingsMarkdown } from '../outputs/findings-markdown.js';
import { findingsXlsx } from '../outputs/findings-xlsx.js';
import { checkCommand, type CheckResult } from './check.js';
import { reportCommand } from './report.js';
import type { ReportResult } from '../reports/run-report.js';
import type { Lang } from '../reports/render/i18n.js';

export const SAMPLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/sample');

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
  const manifest = JSON.parse(readFileSync(join(SAMPLE_DIR, 'manifest.json'), 'utf8')) as Manifest;
  const imports: ImportResult[] = [];
  await withDb(dbPath, async (db) => {
    for (const f of manifest.files) {
      const r = await importFile(db, {
        file: join(SAMPLE_DIR, f.path), source: f.source, preset: f.preset === 'canonical' ? 'canonical' : 'auto', entity: f.preset === 'canonical' ? f.entity : undefined,
      });
      imports.push(r);
      log(`import ${f.path} → ${r.entity} [${r.preset}]: read ${r.rowsRead}, loaded ${r.rowsLoaded}, rejected ${r.rowsRejected}`);
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
  return { db: dbPath, imports, check, reports: html.results, exitCode: 0 };
}
