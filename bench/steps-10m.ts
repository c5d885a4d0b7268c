import { loadavg } from 'node:os';
import { measure } from './measure.js';
const db = '/work/scale10m/scale-10000000.duckdb';
const data = '/work/wt-s3-reports/bench/data';
const steps: [string, string, Record<string, unknown>][] = [
  ['import activities (canonical CSV)', 'import-into', { file: `${data}/activities-50000000.csv`, source: 'hs', preset: 'canonical', entity: 'activities' }],
  ['count(*) … WHERE, one scan per rule', 'count-per-rule', {}],
  ['crmq check, phones not yet cached (cold)', 'crmq-check', {}],
  ['crmq check, phones cached (warm)', 'crmq-check', {}],
  ['crmq report --all', 'crmq-reports', {}],
];
const only = process.argv[2] ? Number(process.argv[2]) : 0;
for (const [name, what, args] of steps.slice(only)) {
  const t0 = new Date().toISOString();
  console.log(`${t0} start ${name}; load ${loadavg()[0].toFixed(1)}`);
  const m = measure(what, { db, ...args });
  console.log(`${new Date().toISOString()} ${name}: ${(m.ms / 1000).toFixed(1)} s, CPU ${(m.cpuMs / 1000).toFixed(1)} s, RSS ${Math.round(m.rssMb)} MB; load ${loadavg()[0].toFixed(1)}; ${JSON.stringify(m.detail)}`);
}
