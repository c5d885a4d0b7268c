// Every validation can fail: the clean dataset (every report valid) gets one fault at a time (a duplicated row per
// base table, a foreign currency, a missing month, an amount ×10^6, a deal closed before it was created, orphan
// history, a missing input, stale findings), on a copy of one DuckDB file, checked again as `crmq check` would, and
// every report that reads the faulted table runs as `crmq report --format json` would run it. For each (fault, report): the figures are
// unchanged, or the status changed, or (a foreign currency in a per-currency report) the new currency is shown
// apart. A cell where the figures moved and the status did not is "silent", and the suite fails on it.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/database.js';
import { loadReports, SHIPPED_REPORTS } from '../../src/reports/load-reports.js';
import { loadRules, SHIPPED_RULES } from '../../src/rules/load-rules.js';
import { runRules } from '../../src/rules/run-rules.js';
import { loadSemantics } from '../../src/rules/semantics.js';
import { SHIPPED_SEMANTICS } from '../../src/rules/config.js';
import type { EntityName } from '../../src/model/tables.js';
import { tmp } from '../helpers.js';
import { prepareReportContext, resolvePeriod } from '../../src/reports/context.js';
import { reportJson } from '../../src/reports/render/report-json.js';
import { runReport } from '../../src/reports/run-report.js';
import { CLEAN_PERIOD, loadCleanDataset } from './clean-dataset.js';
import { FAULTS, STALE, type Fault } from './faults.js';

const dir = tmp();
const clean = join(dir, 'clean.duckdb');
const defs = loadReports([SHIPPED_REPORTS]);
const rules = loadRules([SHIPPED_RULES]);
const checkOpts = { semantics: loadSemantics([SHIPPED_SEMANTICS]), normalize: { defaultRegion: 'RU', regions: {} } };

interface Result { id: string; status: string; rows: Record<string, unknown>[]; totals: Record<string, unknown>[]; validations: { name: string; input?: string; status: string; message: { en: string } }[] }
type Cell = { report: string; outcome: 'unchanged' | 'caught' | 'apart' | 'shown' | 'silent' | 'refused'; status: string; changed: string[] };
const matrix = new Map<string, Cell[]>();
let baseline = new Map<string, Result>();
const cpu0 = process.cpuUsage();
const t0 = performance.now();

/**
 * The reports, as `crmq report --format json` gives them, in-process over one connection: the definitions and the
 * semantics are read once for the whole suite (the CLI reads them per call). findings.test.ts runs the real CLI.
 */
async function reports(db: Db, ids: string[]): Promise<Map<string, Result>> {
  const out = new Map<string, Result>();
  const period = resolvePeriod(CLEAN_PERIOD);
  for (const def of defs.filter((d) => ids.includes(d.id))) {
    await prepareReportContext(db, period, { ...def.params }, checkOpts.semantics);
    out.set(def.id, reportJson(await runReport(db, def, period, { ...def.params })) as Result);
  }
  return out;
}

/** The rules a change to `table` can move: its own, and every rule whose file names the table (references, overpayment). */
const rulesFor = (table: EntityName) => rules.filter((r) => r.entity === table || readFileSync(r.file, 'utf8').includes(table));

/**
 * `crmq check` after the fault, in less time: the rules the faulted table can move run again; the other rules' findings
 * are carried over from the clean run (their rows did not change). A test below shows this equals a full check.
 */
async function recheck(db: Db, table: EntityName): Promise<void> {
  const subset = rulesFor(table);
  if (!subset.length) return;
  const [{ prev }] = await db.all<{ prev: number }>('SELECT max(run_id) AS prev FROM check_runs');
  const { runId } = await runRules(db, subset, checkOpts);
  await db.run(`INSERT INTO findings SELECT * REPLACE (${runId} AS run_id) FROM findings WHERE run_id = ${prev} AND rule NOT IN (${subset.map((r) => `'${r.id}'`).join(', ')})`);
}

/** A copy of the clean database with the fault planted and checked again; the reports reading the table, or why the database refused the fault. */
async function faulted(fault: Fault, readers: string[]): Promise<{ path: string; results?: Map<string, Result>; refused?: string }> {
  const path = join(dir, `${fault.id.replace(/[^a-z0-9]+/gi, '-')}.duckdb`);
  copyFileSync(clean, path);
  const db = await openDb(path);
  await db.run('SET threads = 1'); // a few hundred rows: one thread does it with less overhead
  try {
    try {
      for (const sql of fault.sql) await db.run(sql);
    } catch (err) {
      return { path, refused: (err as Error).message.split('\n')[0] };
    }
    if (fault.recheck !== false) await recheck(db, fault.table);
    return { path, results: await reports(db, readers) };
  } finally {
    db.close();
  }
}

const round = (v: unknown): unknown => (typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : v);
const figures = (r: Result) => JSON.stringify([r.rows.map((x) => Object.values(x).map(round)), r.totals.map((x) => Object.values(x).map(round))]);

function classify(fault: Fault, before: Result, after: Result): Cell {
  const changed = after.validations.filter((v) => before.validations.find((b) => b.name === v.name && b.input === v.input)?.status !== v.status)
    .map((v) => `${v.name}${v.input ? `(${v.input})` : ''}:${v.status}`);
  if (figures(before) === figures(after)) return { report: before.id, outcome: 'unchanged', status: after.status, changed };
  if (after.status !== before.status) return { report: before.id, outcome: 'caught', status: after.status, changed };
  // A per-currency report keeps a new currency apart: its own rows, no total adds it to another.
  if (fault.id.startsWith('foreign currency') && after.rows.some((r) => r.currency === 'USD')) return { report: before.id, outcome: 'apart', status: after.status, changed };
  // The data-quality report's figures are the findings: a fault that adds findings is what it shows.
  const findings = (r: Result) => new Map(r.rows.map((x) => [`${x.rule}|${x.source}|${x.owner}`, Number(x.findings)]));
  if (before.id === 'data-quality' && [...findings(after)].some(([k, n]) => n > (findings(before).get(k) ?? 0))) return { report: before.id, outcome: 'shown', status: after.status, changed };
  return { report: before.id, outcome: 'silent', status: after.status, changed };
}

beforeAll(async () => {
  const db = await openDb(clean);
  await loadCleanDataset(db);
  await runRules(db, rules, checkOpts);
  db.close();
  const again = await openDb(clean);
  await again.run('SET threads = 1');
  baseline = await reports(again, defs.map((d) => d.id));
  again.close();
}, 300_000);

describe('the clean dataset', () => {
  it('every report is valid and has rows: any status change below is the fault\'s', () => {
    expect([...baseline.values()].filter((r) => r.status !== 'valid' || !r.rows.length).map((r) => r.id)).toEqual([]);
    expect(baseline.size).toBe(23);
  });

  it('the shortened re-check finds what a full `crmq check` finds', async () => {
    const { path } = await faulted(FAULTS.find((f) => f.id === 'duplicate payments')!, []);
    const db = await openDb(path);
    const short = await db.all<{ f: string }>(`SELECT rule || '|' || source_id AS f FROM latest_findings ORDER BY 1`);
    await runRules(db, rules, checkOpts);
    const full = await db.all<{ f: string }>(`SELECT rule || '|' || source_id AS f FROM latest_findings ORDER BY 1`);
    db.close();
    expect(short).toEqual(full);
  });
});

describe('one fault at a time', () => {
  it.each([...FAULTS, STALE].map((f) => [f.id, f] as const))('%s', async (_id, fault) => {
    const readers = defs.filter((d) => d.inputs.includes(fault.table)).map((d) => d.id);
    const { results, refused } = await faulted(fault, readers);
    if (refused) {
      matrix.set(fault.id, readers.map((report) => ({ report, outcome: 'refused', status: refused, changed: [] })));
      return;
    }
    const after = results!;
    const cells = readers.map((id) => classify(fault, baseline.get(id)!, after.get(id)!));
    matrix.set(fault.id, cells);
    expect(cells.filter((c) => c.outcome === 'silent').map((c) => c.report), 'figures moved, status did not').toEqual([]);
    // The validation made for this fault notices it somewhere.
    // Stale findings move no figure: every reader must still say so.
    if (fault === STALE) expect(cells.filter((c) => !c.changed.some((v) => v.startsWith('findings'))).map((c) => c.report)).toEqual([]);
    // Where the fault moved a figure, the validation made for it is among those that noticed (or the currency is apart).
    if (cells.some((c) => c.outcome !== 'unchanged')) {
      const noticed = cells.some((c) => c.changed.some((v) => fault.caughtBy.some((n) => v.startsWith(n))) || (fault.caughtBy.includes('currency') && c.outcome === 'apart'));
      expect(noticed, `${fault.caughtBy.join('/')} never changed`).toBe(true);
    }
  }, 120_000);
});

describe('the matrix', () => {
  it('has no silent cell, and every kind of validation fails under some fault', () => {
    const ids = defs.map((d) => d.id);
    const mark = (c?: Cell) => (!c ? '·' : c.outcome === 'unchanged' ? (c.status === 'valid' ? '=' : c.status[0]) : c.outcome === 'caught' ? c.status[0].toUpperCase() : c.outcome === 'apart' ? 'A' : c.outcome === 'shown' ? 'S' : c.outcome === 'refused' ? 'R' : '!');
    const lines = ['fault × report: · not an input, = figures unchanged (w/i: and status warning/invalid), W/I status changed to warning/invalid, A new currency shown apart, S shown as new findings (data-quality), R refused by the database, ! silent', '',
      `${''.padEnd(32)} ${ids.map((_, i) => String(i + 1).padStart(2)).join(' ')}`];
    for (const [fault, cells] of matrix) lines.push(`${fault.padEnd(32)} ${ids.map((id) => mark(cells.find((c) => c.report === id)).padStart(2)).join(' ')}`);
    lines.push('', ...ids.map((id, i) => `${String(i + 1).padStart(2)} ${id}`));
    const all = [...matrix.values()].flat();
    const count = (o: Cell['outcome']) => all.filter((c) => c.outcome === o).length;
    const cpu = process.cpuUsage(cpu0);
    lines.push('', `time: ${Math.round((performance.now() - t0) / 1000)} s, CPU ${Math.round((cpu.user + cpu.system) / 1e6)} s`);
    lines.push(`cells: ${all.length}; caught ${count('caught')}, unchanged ${count('unchanged')}, apart ${count('apart')}, shown ${count('shown')}, refused ${count('refused')}, silent ${count('silent')}`);
    console.log(lines.join('\n'));
    expect(count('silent')).toBe(0);
    expect(matrix.size).toBe(FAULTS.length + 1);
    const failed = new Set(all.flatMap((c) => c.changed.map((v) => v.replace(/\(.*$/, '').replace(/:.*$/, ''))));
    // grain (a unique key, a join that fans out) and parts are checks of a report's SQL, not of data; validations.test.ts fails them.
    expect([...failed].sort()).toEqual(expect.arrayContaining(['coverage', 'currency', 'dominance', 'duplicates', 'findings', 'inputs', 'outliers', 'reconcile', 'window']));
  });
});
