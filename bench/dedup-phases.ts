// `node --import tsx bench/dedup-phases.ts <imported.duckdb> [out.csv] [--sql [--memory]]`: `crmq dedupe --format csv` on a copy of an
// imported database, with the CPU seconds (every thread), wall seconds, peak RSS so far and RSS and JS heap at its end of each phase the progress line names;
// --sql adds every statement over 0.3 CPU s, --memory DuckDB's peak memory by tag in each. For finding where the time goes (bench:dedup gives the whole figure).
import { copyFileSync, rmSync } from 'node:fs';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { dedupeCommand } from '../src/commands/dedupe.js';

// --sql: every statement's CPU and wall seconds too (those over 0.3 CPU s); --memory adds DuckDB's peak memory by
// tag during each (duckdb_memory() polled on a second connection: which operator holds the budget).
const withMemory = process.argv.includes('--memory');
let instance: DuckDBInstance | undefined;
if (withMemory) {
  const connect = DuckDBInstance.prototype.connect;
  DuckDBInstance.prototype.connect = function (this: DuckDBInstance) {
    instance = this;
    return connect.call(this);
  };
}
const readAll = DuckDBConnection.prototype.runAndReadAll;
/** The watchers' own connections (their queries are not measured). */
const watchers = new WeakSet<object>();
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)}`;
/** Polls DuckDB's memory by tag until stopped; returns the peak of each tag (in memory + spilled) and of their sum. */
function memoryWatch(): () => Promise<string> {
  if (!instance) return async () => '';
  let stop = false;
  const peak = new Map<string, [number, number]>();
  let total = 0;
  const done = (async () => {
    const c = await instance!.connect();
    watchers.add(c);
    while (!stop) {
      const rows = (await readAll.call(c, 'SELECT tag, memory_usage_bytes AS m, temporary_storage_bytes AS t FROM duckdb_memory()')).getRowObjectsJS() as { tag: string; m: bigint; t: bigint }[];
      total = Math.max(total, rows.reduce((a, r) => a + Number(r.m), 0));
      for (const r of rows) peak.set(r.tag, [Math.max(peak.get(r.tag)?.[0] ?? 0, Number(r.m)), Math.max(peak.get(r.tag)?.[1] ?? 0, Number(r.t))]);
      await new Promise((ok) => setTimeout(ok, 100));
    }
    c.closeSync();
  })();
  return async () => {
    stop = true;
    await done;
    const tags = [...peak].filter(([, [m, t]]) => m + t >= 16 * 2 ** 20).map(([tag, [m, t]]) => `${tag} ${mb(m)}${t ? `+${mb(t)} spilled` : ''}`);
    return `\n    DuckDB peak ${mb(total)} MB in memory: ${tags.join(', ')}`;
  };
}
if (process.argv.includes('--sql')) {
  for (const name of ['run', 'runAndReadAll'] as const) {
    const orig = DuckDBConnection.prototype[name] as (...a: unknown[]) => Promise<unknown>;
    (DuckDBConnection.prototype as unknown as Record<string, unknown>)[name] = async function (this: object, ...a: unknown[]) {
      if (watchers.has(this)) return orig.apply(this, a);
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      const watched = withMemory ? memoryWatch() : async () => '';
      const out = await orig.apply(this, a).catch(async (err: unknown) => {
        // the statement that failed (an Out of Memory names no statement)
        console.log(`  sql FAILED after ${((performance.now() - w0) / 1000).toFixed(2)} s: ${String(a[0]).replace(/\s+/g, ' ').slice(0, 400)}\n    ${String(err).slice(0, 300)}${await watched()}`);
        throw err;
      });
      const memory = await watched();
      const c = process.cpuUsage(c0);
      if ((c.user + c.system) / 1e6 > 0.3) console.log(`  sql ${((c.user + c.system) / 1e6).toFixed(2)} CPU s ${((performance.now() - w0) / 1000).toFixed(2)} s: ${String(a[0]).replace(/\s+/g, ' ').slice(0, 160)}${memory}`);
      return out;
    };
  }
}

const [src, out = '/tmp/dedup-phases.csv'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const db = `${src}.phases.duckdb`;
rmSync(db, { force: true });
rmSync(`${db}.wal`, { force: true });
copyFileSync(src, db);
const rows: [string, number, number, number, number, number][] = [];
let label = 'start';
let cpu = process.cpuUsage();
let wall = performance.now();
const mark = (next: string) => {
  const c = process.cpuUsage(cpu);
  const now = process.memoryUsage();
  rows.push([label, (c.user + c.system) / 1e6, (performance.now() - wall) / 1000, process.resourceUsage().maxRSS / 1024, now.rss / 2 ** 20, now.heapTotal / 2 ** 20]);
  [label, cpu, wall] = [next, process.cpuUsage(), performance.now()];
};
const r = await dedupeCommand({
  db, entity: 'contacts', format: 'csv', output: out,
  progress: async () => ({ phase: (l: string) => mark(l), tick() {}, log() {}, stop() {} }),
});
mark('end');
let total = 0;
for (const [l, c, w, rss, rssNow, heap] of rows) {
  total += c;
  console.log(`${l.padEnd(40)} ${c.toFixed(2).padStart(7)} CPU s ${w.toFixed(2).padStart(7)} s  peak RSS so far ${rss.toFixed(0)} MB, at its end RSS ${rssNow.toFixed(0)} MB, JS heap ${heap.toFixed(0)} MB`);
}
const all = process.cpuUsage();
console.log(`total ${total.toFixed(2)} CPU s (process ${((all.user + all.system) / 1e6).toFixed(2)}), pairs ${r.candidatePairs}, clusters ${r.clusters.length}, rss peak ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
rmSync(db, { force: true });
rmSync(`${db}.wal`, { force: true });
rmSync(`${db}.tmp`, { recursive: true, force: true });
