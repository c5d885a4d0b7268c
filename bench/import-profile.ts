// Where an import's time goes: every SQL statement crmq runs, timed (wall and CPU seconds of all threads), with the
// bare read_csv of the same file and the closing checkpoint for comparison. CPU seconds hold steady when other work
// shares the machine; wall seconds do not. Heavy on big files: flock /tmp/crmq-heavy.lock.
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

interface Spent {
  ms: number;
  cpuMs: number;
}
/** CPU time of this process, every thread (DuckDB's included). */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
async function timed<T>(fn: () => Promise<T> | T): Promise<[T, Spent]> {
  const [t, c] = [performance.now(), cpuMs()];
  const out = await fn();
  return [out, { ms: performance.now() - t, cpuMs: cpuMs() - c }];
}
const s = (ms: number) => (ms / 1000).toFixed(2);

// The floor: DuckDB's own reader into a table, types auto-detected, and closing (the checkpoint).
fresh();
const bare = await DuckDBInstance.create(dbPath);
const conn = await bare.connect();
const [, bareRead] = await timed(() => conn.run(`CREATE TABLE bare AS SELECT * FROM read_csv(${lit(file)})`));
const [, bareClose] = await timed(() => {
  conn.closeSync();
  bare.closeSync();
});

fresh();
const db = await openDb(dbPath);
const timings: ({ statement: string } & Spent)[] = [];
const label = (sql: string) => sql.replace(/\s+/g, ' ').replace(/crmq_\w+_\d+_\d+/g, 'crmq_…').trim().slice(0, 90);
for (const method of ['run', 'all'] as const) {
  const original = db[method].bind(db) as (sql: string) => Promise<unknown>;
  (db as unknown as Record<string, (sql: string) => Promise<unknown>>)[method] = async (sql: string) => {
    const [out, spent] = await timed(() => original(sql));
    timings.push({ statement: label(sql), ...spent });
    return out;
  };
}
const [r, imp] = await timed(() => importFile(db, { file, source: opt('--source') ?? 'bench', preset: opt('--preset'), entity: opt('--entity') }));
// The floor under crmq's own output: the loaded canonical rows copied, as they are, into a new table of the same
// database file. No parsing, checks or lineage work, only the writing of the rows crmq keeps (every canonical
// column, lists and the extra JSON): if this alone costs more than the bare read_csv, no import can reach it.
const entity = r.entity;
const ofImport = timings.length;
const [, copy] = await timed(() => db.run(`CREATE TABLE floor_copy AS SELECT * FROM ${entity}`));
await db.run('DROP TABLE floor_copy');
const [, close] = await timed(() => db.close());
fresh();

timings.length = ofImport;
const sql = timings.reduce((a, x) => ({ ms: a.ms + x.ms, cpuMs: a.cpuMs + x.cpuMs }), { ms: 0, cpuMs: 0 });
const rows = timings
  .filter((x) => x.ms >= 5)
  .sort((a, b) => b.cpuMs - a.cpuMs)
  .map((x) => ({ 'CPU s': s(x.cpuMs), 'CPU share': `${((x.cpuMs / imp.cpuMs) * 100).toFixed(0)}%`, 'wall s': s(x.ms), statement: x.statement }));
console.log(renderTable(rows, undefined, { maxWidth: 90 }));
const both = (x: Spent) => `${s(x.ms)} s wall, ${s(x.cpuMs)} CPU s`;
console.log(`\n${r.rowsRead.toLocaleString('en-US')} rows: crmq import ${both(imp)} (SQL ${both(sql)}; the rest JavaScript: hashing, sniffing) + close ${both(close)}`);
console.log(`bare read_csv ${both(bareRead)} + close ${both(bareClose)}`);
console.log(`the loaded ${entity} rows copied into a new table (writing only): ${both(copy)} = ${(copy.cpuMs / (bareRead.cpuMs + bareClose.cpuMs)).toFixed(2)}× the bare read_csv's CPU`);
console.log(`ratio: wall ${((imp.ms + close.ms) / (bareRead.ms + bareClose.ms)).toFixed(2)}×, CPU ${((imp.cpuMs + close.cpuMs) / (bareRead.cpuMs + bareClose.cpuMs)).toFixed(2)}×`);
