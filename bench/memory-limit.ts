// The 10× question on a machine that cannot hold the 10× run: the scale run's 1M database checked (phones cold) and
// reported again with DuckDB's memory limit a tenth of crmq's default, so the data is about 10× the memory it may use,
// as 10M rows are under the default. Each step in its own process; peak RSS is the step's. Run after
// `npm run bench` (it reuses bench/data/scale-<n>.duckdb). Heavy: flock /tmp/crmq-heavy.lock.
//   node --import tsx bench/memory-limit.ts [--size 1000000] [--memory-limit 400MB]
import { appendFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDb } from '../src/db/database.js';
import { renderTable } from '../src/ui/table.js';
import { measure } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const n = Number(arg('--size') ?? 1_000_000);
const limit = arg('--memory-limit') ?? '400MB';
const db = join(here, 'data', `scale-${n}.duckdb`);
if (!existsSync(db)) throw new Error(`${db}: run npm run bench -- --sizes ${n} first`);

// Phones cold again: the cache the earlier check filled is emptied (in its own process, under no limit).
await withDb(db, (d) => d.run('DELETE FROM phone_norm'));
process.env.CRMQ_MEMORY_LIMIT = limit; // the children inherit it
const rows = [
  ['crmq check, phones cold', measure('crmq-check', { db })],
  ['crmq report --all', measure('crmq-reports', { db })],
].map(([step, m]) => {
  const x = m as ReturnType<typeof measure>;
  return { step: step as string, 'memory_limit': limit, seconds: (x.ms / 1000).toFixed(2), 'CPU s': (x.cpuMs / 1000).toFixed(2), 'peak RSS MB': Math.round(x.rssMb) };
});
const table = renderTable(rows);
console.log(table);
appendFileSync(join(here, 'results.md'), `\nThe ${n.toLocaleString('en-US')} scale database again, DuckDB's memory_limit ${limit} (about a tenth of the default; spilling to disk):\n\n\`\`\`\n${table}\n\`\`\`\n`);
