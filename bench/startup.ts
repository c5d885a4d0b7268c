// `npm run bench:startup`: how long a command takes before it does anything, against bare `node -e 0` timed in the
// same run (alternating, so machine load hits both alike). Writes bench/startup-results.md. Beside the wall time, the
// CPU time the child used (user + system, all its threads; Linux): on a shared machine the wall time mostly measures
// the queue for a core, the CPU time the work.
//   targets: crmq --version ≤ 0.15 s over bare node; crmq sql "select 1" ≤ 0.4 s over; one report on the demo ≤ 1 s.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTable } from '../src/ui/table.js';
import { median } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', 'bin', 'crmq.js');
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : process.argv.includes('--quick') ? 3 : 11;
const loadBefore = loadavg()[0];
const dir = mkdtempSync(join(tmpdir(), 'crmq-startup-'));

/** CPU seconds used by this process's finished children so far (cutime + cstime of /proc/self/stat), if readable. */
function childCpu(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // fields 16 and 17 of proc(5), in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

function run(args: string[]): { ms: number; cpu?: number } {
  const cpu0 = childCpu();
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const cpu1 = childCpu();
  return { ms, cpu: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0 };
}

if (!existsSync(join(here, '..', 'dist', 'cli.js'))) throw new Error('dist/ is missing: npm run build first');
const demo = join(dir, 'demo');
run([BIN, 'demo', '--out', demo]);
const demoDb = join(demo, 'demo.duckdb');

const cases: { name: string; args: string[]; target?: { over: number } | { total: number } }[] = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'crmq --version', args: [BIN, '--version'], target: { over: 0.15 } },
  { name: 'crmq --help', args: [BIN, '--help'] },
  { name: 'crmq import --help', args: [BIN, 'import', '--help'] },
  { name: 'crmq sql "select 1"', args: [BIN, 'sql', 'select 1', '--db', demoDb], target: { over: 0.4 } },
  { name: 'crmq report manager-ranking (demo)', args: [BIN, 'report', 'manager-ranking', '--db', demoDb, '--from', '2026-01-01', '--to', '2026-10-31'], target: { total: 1 } },
];
const times = cases.map(() => [] as number[]);
const cpus_ = cases.map(() => [] as number[]);
for (let i = 0; i < runs; i++) {
  cases.forEach((c, j) => {
    const m = run(c.args);
    times[j].push(m.ms);
    if (m.cpu !== undefined) cpus_[j].push(m.cpu);
  });
}
rmSync(dir, { recursive: true, force: true });

const base = median(times[0]) / 1000;
const rows = cases.map((c, j) => {
  const s = median(times[j]) / 1000;
  const over = s - base;
  const target = !c.target ? '' : 'over' in c.target ? `≤ ${c.target.over} s over node: ${over <= c.target.over ? 'met' : 'NOT met'}` : `≤ ${c.target.total} s: ${s <= c.target.total ? 'met' : 'NOT met'}`;
  const cpu = cpus_[j].length ? median(cpus_[j]).toFixed(2) : '';
  return { command: c.name, 'median s': s.toFixed(3), 'over bare node s': j === 0 ? '(baseline)' : over.toFixed(3), 'ratio to node': (s / base).toFixed(2), 'median CPU s': cpu, target };
});
const table = renderTable(rows, undefined, { maxWidth: 60 });
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}; median of ${runs} alternating runs, each a new process; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after`;
console.log(table);
console.log(machine);
writeFileSync(join(here, 'startup-results.md'), `# Start-up benchmark\n\n${machine}\n\n\`\`\`\n${table}\n\`\`\`\n`);
