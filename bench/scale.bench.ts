// The scale benchmark: for each size n, the data set of fixtures/generate.ts (n HubSpot contacts, n deals, their
// stage history, 5n activities) imported into one database, then the full check twice (phones cold, then cached)
// and the whole report catalogue, each step in its own process (time and peak RSS are its own). The floor for the
// check: one plain count(*) … WHERE scan per rule.
// Each step's figures are written to scale-<n>.steps.json as it ends; with `resume`, a run stopped part-way (10M
// rows take hours on a shared machine) goes on from the first step not yet measured, on the same database.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { writeBenchCrm } from '../fixtures/generate.js';
import { measure, type Measured } from './measure.js';

export interface ScaleStep {
  step: string;
  rows: number;
  m: Measured;
  /** When the step ended and the load average then (a resumed run's steps ran at different times). */
  at?: string;
  load?: number;
}

export interface ScaleRun {
  n: number;
  steps: ScaleStep[];
  perReport: Record<string, number>;
}

export async function scaleBench(dataDir: string, n: number, log: (s: string) => void, opts: { resume?: boolean } = {}): Promise<ScaleRun> {
  log(`scale ${n.toLocaleString('en-US')}: generating (not timed)`);
  const files = await writeBenchCrm(dataDir, n);
  const db = join(dataDir, `scale-${n}.duckdb`);
  const done = join(dataDir, `scale-${n}.steps.json`);
  const measured: ScaleStep[] = opts.resume && existsSync(done) && existsSync(db) ? JSON.parse(readFileSync(done, 'utf8')) : [];
  if (!measured.length) for (const f of [db, `${db}.wal`, done]) rmSync(f, { force: true });
  const steps: ScaleStep[] = [];
  const step = (name: string, what: string, args: Record<string, unknown>) => {
    const before = measured.find((s) => s.step === name);
    if (before) {
      log(`scale ${n.toLocaleString('en-US')}: ${name}: measured at ${before.at ?? '?'} (resumed)`);
      steps.push(before);
      return before.m;
    }
    log(`scale ${n.toLocaleString('en-US')}: ${name}`);
    const m = measure(what, { db, ...args });
    const rows = Number((m.detail as { rows?: number } | undefined)?.rows ?? 0);
    const load = loadavg()[0];
    steps.push({ step: name, rows, m, at: new Date().toISOString(), load });
    writeFileSync(done, JSON.stringify([...measured, ...steps.filter((s) => !measured.includes(s))], null, 1));
    // Each step's figures as it ends, with the load: a run stopped part-way (10M rows take long) still says what it measured.
    log(`scale ${n.toLocaleString('en-US')}: ${name}: ${(m.ms / 1000).toFixed(2)} s, CPU ${(m.cpuMs / 1000).toFixed(2)} s, peak RSS ${Math.round(m.rssMb)} MB, ${rows.toLocaleString('en-US')} rows; load ${load.toFixed(1)}`);
    return m;
  };
  step('import contacts (HubSpot CSV)', 'import-into', { file: files.contacts, source: 'hs', preset: 'hubspot' });
  step('import deals (HubSpot CSV)', 'import-into', { file: files.deals, source: 'hs', preset: 'hubspot' });
  step('import stage history (canonical CSV)', 'import-into', { file: files.history, source: 'hs', preset: 'canonical', entity: 'deal_stage_history' });
  step('import activities (canonical CSV)', 'import-into', { file: files.activities, source: 'hs', preset: 'canonical', entity: 'activities' });
  step('count(*) … WHERE, one scan per rule', 'count-per-rule', {});
  step('crmq check, phones not yet cached (cold)', 'crmq-check', {});
  step('crmq check, phones cached (warm)', 'crmq-check', {});
  const reports = step('crmq report --all', 'crmq-reports', {});
  return { n, steps, perReport: (reports.detail as { perReport: Record<string, number> }).perReport };
}
