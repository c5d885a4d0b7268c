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

export const SAMPLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/sample');

export interface DemoResult {
  db: string;
  imports: ImportResult[];
  check: CheckResult;
  exitCode: number;
}

export async function demoCommand(opts: { out: string; db?: string; log?: (line: string) => void }): Promise<DemoResult> {
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
  return { db: dbPath, imports, check, exitCode: 0 };
}
