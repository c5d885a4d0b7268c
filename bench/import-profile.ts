// Where an import's time goes: every SQL statement crmq runs, timed, with the bare read_csv of the same file and the
// closing checkpoint for comparison. Heavy on big files: flock /tmp/crmq-heavy.lock.
//   node --import tsx bench/import-profile.ts bench/data/contacts-1000000.csv [--source hs] [--preset hubspot] [--entity contacts]
import { DuckDBInstance } from '@duckdb/node-api';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../src/db/database.js';
import { lit } from '../src/db/sql.js';
import { importFile } from '../src/import/import-file.js';
import { renderTable } from '../src/ui/table.js';

const [file, ...rest] = process.argv.slice(2);
const opt = (name: string) => (rest.includes(name) ? rest[rest.indexOf(name) + 1] : undefined);
const dbPath = join(tmpdir(), `crmq-import-profile-${process.pid}.duckdb`);
const fresh = () => ['', '.wal'].forEach((x) => rmSync(dbPath + x, { force: true }));

// The floor: DuckDB's own reader into a table, types auto-detected, and closing (the checkpoint).
fresh();
let t = performance.now();
const bare = await DuckDBInstance.create(dbPath);
const conn = await bare.connect();
await conn.run(`CREATE TABLE bare AS SELECT * FROM read_csv(${lit(file)})`);
const bareRead = performance.now() - t;
t = performance.now();
conn.closeSync();
bare.closeSync();
const bareClose = performance.now() - t;

fresh();
const db = await openDb(dbPath);
const timings: { statement: string; ms: number }[] = [];
const label = (sql: string) => sql.replace(/\s+/g, ' ').replace(/crmq_\w+_\d+_\d+/g, 'crmq_…').trim().slice(0, 90);
for (const method of ['run', 'all'] as const) {
  const original = db[method].bind(db) as (sql: string) => Promise<unknown>;
  (db as unknown as Record<string, (sql: string) => Promise<unknown>>)[method] = async (sql: string) => {
    const s = performance.now();
    try {
      return await original(sql);
    } finally {
      timings.push({ statement: label(sql), ms: performance.now() - s });
    }
  };
}
t = performance.now();
const r = await importFile(db, { file, source: opt('--source') ?? 'bench', preset: opt('--preset'), entity: opt('--entity') });
const importMs = performance.now() - t;
t = performance.now();
db.close();
const closeMs = performance.now() - t;
fresh();

const sqlMs = timings.reduce((a, x) => a + x.ms, 0);
const rows = timings
  .filter((x) => x.ms >= 5)
  .sort((a, b) => b.ms - a.ms)
  .map((x) => ({ seconds: (x.ms / 1000).toFixed(2), share: `${((x.ms / importMs) * 100).toFixed(0)}%`, statement: x.statement }));
console.log(renderTable(rows, undefined, { maxWidth: 90 }));
console.log(`\n${r.rowsRead.toLocaleString('en-US')} rows: crmq import ${(importMs / 1000).toFixed(2)} s (SQL ${(sqlMs / 1000).toFixed(2)} s, the rest JavaScript and waits) + close ${(closeMs / 1000).toFixed(2)} s`);
console.log(`bare read_csv ${(bareRead / 1000).toFixed(2)} s + close ${(bareClose / 1000).toFixed(2)} s; ratio ${((importMs + closeMs) / (bareRead + bareClose)).toFixed(2)}×`);
