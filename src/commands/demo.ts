// `crmq demo`: a fresh database from the bundled sample exports, then every step the toolkit has, outputs in out/.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDb } from '../db/database.js';
import { importFile, type ImportResult } from '../import/import-file.js';
import type { Manifest } from '../../fixtures/generate.js';

export const SAMPLE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/sample');

export interface DemoResult {
  db: string;
  imports: ImportResult[];
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
  return { db: dbPath, imports, exitCode: 0 };
}
