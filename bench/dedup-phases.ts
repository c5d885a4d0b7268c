// `node --import tsx bench/dedup-phases.ts <imported.duckdb> [out.csv] [--sql]`: `crmq dedupe --format csv` on a copy of an
// imported database, with the CPU seconds (every thread) and wall seconds of each phase the progress line names;
// --sql adds every statement over 0.3 CPU s. For finding where the time goes (bench:dedup gives the whole figure).
import { copyFileSync, rmSync } from 'node:fs';
import { DuckDBConnection } from '@duckdb/node-api';
import { dedupeCommand } from '../src/commands/dedupe.js';

// --sql: every statement's CPU and wall seconds too (those over 0.3 CPU s).
if (process.argv.includes('--sql')) {
  for (const name of ['run', 'runAndReadAll'] as const) {
    const orig = DuckDBConnection.prototype[name] as (...a: unknown[]) => Promise<unknown>;
    (DuckDBConnection.prototype as unknown as Record<string, unknown>)[name] = async function (this: unknown, ...a: unknown[]) {
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      const out = await orig.apply(this, a).catch((err: unknown) => {
        // the statement that failed (an Out of Memory names no statement)
        console.log(`  sql FAILED after ${((performance.now() - w0) / 1000).toFixed(2)} s: ${String(a[0]).replace(/\s+/g, ' ').slice(0, 400)}\n    ${String(err).slice(0, 300)}`);
        throw err;
      });
      const c = process.cpuUsage(c0);
      if ((c.user + c.system) / 1e6 > 0.3) console.log(`  sql ${((c.user + c.system) / 1e6).toFixed(2)} CPU s ${((performance.now() - w0) / 1000).toFixed(2)} s: ${String(a[0]).replace(/\s+/g, ' ').slice(0, 160)}`);
      return out;
    };
  }
}

const [src, out = '/tmp/dedup-phases.csv'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const db = `${src}.phases.duckdb`;
rmSync(db, { force: true });
rmSync(`${db}.wal`, { force: true });
copyFileSync(src, db);
const rows: [string, number, number, number][] = [];
let label = 'start';
let cpu = process.cpuUsage();
let wall = performance.now();
const mark = (next: string) => {
  const c = process.cpuUsage(cpu);
  rows.push([label, (c.user + c.system) / 1e6, (performance.now() - wall) / 1000, process.resourceUsage().maxRSS / 1024]);
  [label, cpu, wall] = [next, process.cpuUsage(), performance.now()];
};
const r = await dedupeCommand({
  db, entity: 'contacts', format: 'csv', output: out,
  progress: async () => ({ phase: (l: string) => mark(l), tick() {}, log() {}, stop() {} }),
});
mark('end');
let total = 0;
for (const [l, c, w, rss] of rows) {
  total += c;
  console.log(`${l.padEnd(40)} ${c.toFixed(2).padStart(7)} CPU s ${w.toFixed(2).padStart(7)} s  peak RSS so far ${rss.toFixed(0)} MB`);
}
const all = process.cpuUsage();
console.log(`total ${total.toFixed(2)} CPU s (process ${((all.user + all.system) / 1e6).toFixed(2)}), pairs ${r.candidatePairs}, clusters ${r.clusters.length}, rss peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
rmSync(db, { force: true });
rmSync(`${db}.wal`, { force: true });
rmSync(`${db}.tmp`, { recursive: true, force: true });
