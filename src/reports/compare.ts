// `crmq report --compare`: each figure beside its earlier value and its change. The earlier value comes from the
// same report over an earlier period (previous-period, or a range), or from the figures its previous run saved
// (previous-run), with a note when those came from other data (a source re-imported since, a source added or gone).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Db, Row } from '../db/database.js';
import { ident } from '../db/sql.js';
import { CrmqError } from '../errors.js';
import type { Period } from './context.js';
import { NUMERIC } from './render/format.js';
import type { ReportResult } from './run-report.js';
import { totalRows } from './totals.js';
import { sums } from './report-def.js';

export type CompareSpec = { kind: 'previous-period' } | { kind: 'previous-run' } | { kind: 'range'; from: string; to: string };

const ISO = /^\d{4}-\d{2}-\d{2}$/;

export function parseCompare(v: string, flag = '--compare'): CompareSpec {
  if (v === 'previous-period' || v === 'previous-run') return { kind: v };
  const m = /^(.+)\.\.(.+)$/.exec(v);
  if (m && ISO.test(m[1]) && ISO.test(m[2]) && !Number.isNaN(Date.parse(m[1])) && !Number.isNaN(Date.parse(m[2]))) {
    if (m[1] > m[2]) throw new CrmqError(`${flag}: ${m[1]} is after ${m[2]}`);
    return { kind: 'range', from: m[1], to: m[2] };
  }
  throw new CrmqError(`${flag}: "${v}" is not previous-period, previous-run or YYYY-MM-DD..YYYY-MM-DD`);
}

const day = (s: string) => new Date(`${s}T00:00:00Z`);
const iso = (d: Date) => d.toISOString().slice(0, 10);
const lastOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m + 1, 0));
const monthsBack = (s: string, n: number) => {
  const d = day(s);
  const last = lastOfMonth(d.getUTCFullYear(), d.getUTCMonth() - n).getUTCDate();
  return iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, Math.min(d.getUTCDate(), last))));
};

/**
 * The period just before: whole calendar months give as many months before (October → September, a quarter → the
 * quarter before), any other period the same number of days before. The as-of date moves back by as much.
 */
export function previousPeriod(p: Period): Period {
  const s = day(p.start);
  const e = day(p.end);
  if (s.getUTCDate() === 1 && lastOfMonth(e.getUTCFullYear(), e.getUTCMonth()).getTime() === e.getTime()) {
    const n = (e.getUTCFullYear() - s.getUTCFullYear()) * 12 + e.getUTCMonth() - s.getUTCMonth() + 1;
    return { start: monthsBack(p.start, n), end: iso(lastOfMonth(e.getUTCFullYear(), e.getUTCMonth() - n)), asOf: monthsBack(p.asOf, n) };
  }
  const days = Math.round((e.getTime() - s.getTime()) / 86_400_000) + 1;
  const back = (x: string) => iso(new Date(day(x).getTime() - days * 86_400_000));
  return { start: back(p.start), end: back(p.end), asOf: back(p.asOf) };
}

/** The period a comparison reads (not for previous-run, which reads a saved run). */
export function earlierPeriod(spec: Exclude<CompareSpec, { kind: 'previous-run' }>, p: Period): Period {
  if (spec.kind === 'previous-period') return previousPeriod(p);
  return { start: spec.from, end: spec.to, asOf: spec.to < p.asOf ? spec.to : p.asOf };
}

/** What a report's figures were computed from: per input table and source, the rows and the newest import. */
export type DataStamp = { table: string; source: string; rows: number; last_import: number }[];

export async function dataStamp(db: Db, inputs: string[]): Promise<DataStamp> {
  const parts = [...new Set(inputs)].sort().map((t) => `SELECT '${t}' AS "table", source, count(*)::INTEGER AS rows, max(import_id)::INTEGER AS last_import FROM ${ident(t)} GROUP BY source`);
  return parts.length ? db.all(`${parts.join(' UNION ALL ')} ORDER BY 1, 2`) : [];
}

/** In words, how the data behind the earlier figures differs from today's (or nothing when it does not). */
export function dataNote(before: DataStamp, now: DataStamp, opts: { reimports?: boolean } = {}): { en: string; ru: string } | undefined {
  const k = (x: DataStamp[number]) => `${x.source} ${x.table}`;
  const was = new Map(before.map((x) => [k(x), x]));
  const is = new Map(now.map((x) => [k(x), x]));
  const reimported = opts.reimports === false ? [] : now.filter((x) => was.has(k(x)) && was.get(k(x))!.last_import !== x.last_import).map(k);
  const added = now.filter((x) => !was.has(k(x))).map(k);
  const gone = before.filter((x) => !is.has(k(x))).map(k);
  if (!reimported.length && !added.length && !gone.length) return undefined;
  const en = [reimported.length && `re-imported since: ${reimported.join(', ')}`, added.length && `not in the earlier data: ${added.join(', ')}`, gone.length && `no longer in the data: ${gone.join(', ')}`];
  const ru = [reimported.length && `загружены заново: ${reimported.join(', ')}`, added.length && `не было в прежних данных: ${added.join(', ')}`, gone.length && `больше нет в данных: ${gone.join(', ')}`];
  return {
    en: `The earlier figures came from other data (${en.filter(Boolean).join('; ')}).`,
    ru: `Прежние цифры посчитаны по другим данным (${ru.filter(Boolean).join('; ')}).`,
  };
}

/** The figures a run saved for the next --compare previous-run. */
const SavedRun = z.object({
  id: z.string(), at: z.string(), period: z.object({ start: z.string(), end: z.string(), asOf: z.string() }),
  params: z.record(z.string(), z.unknown()), key: z.array(z.string()),
  columns: z.array(z.object({ name: z.string(), en: z.string(), ru: z.string(), type: z.string() })),
  rows: z.array(z.record(z.string(), z.unknown())), data: z.array(z.object({ table: z.string(), source: z.string(), rows: z.number(), last_import: z.number() })),
});
export type SavedRun = z.infer<typeof SavedRun>;

/** Saved runs live beside the database: <db>.reports/<report id>.json, the last run of each report. */
const savedRunFile = (dbPath: string, id: string) => join(`${dbPath}.reports`, `${id}.json`);

export function readSavedRun(dbPath: string, id: string): SavedRun | undefined {
  const file = savedRunFile(dbPath, id);
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CrmqError(`${file}: cannot read the saved run of report ${id} (${(err as Error).message.split('\n')[0]}); delete it to start again`);
  }
  const parsed = SavedRun.safeParse(json);
  if (!parsed.success) throw new CrmqError(`${file}: not a saved run of report ${id} (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}); delete it to start again`);
  return parsed.data;
}

/** Saves a run (a new file renamed over the old one, so a crash leaves either); a folder crmq cannot write skips it. */
export function saveRun(dbPath: string, r: ReportResult, data: DataStamp, at = new Date()): void {
  if (dbPath === ':memory:') return;
  const file = savedRunFile(dbPath, r.id);
  const run: SavedRun = { id: r.id, at: at.toISOString(), period: r.period, params: r.params, key: r.key, columns: r.columns, rows: r.rows, data };
  try {
    mkdirSync(`${dbPath}.reports`, { recursive: true });
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(run));
    renameSync(`${file}.${process.pid}.tmp`, file);
  } catch {
    // a read-only folder: the report is still right, only the next --compare previous-run has nothing to read
  }
}

export interface Comparison {
  against: CompareSpec['kind'];
  /** The earlier figures' period (and, for previous-run, when that run was). */
  period: Period;
  at?: string;
  /** When the earlier figures came from other data. */
  note?: { en: string; ru: string };
  /** The earlier row of each row (by the report's key), or null; then the earlier rows that have no row now. */
  before: (Row | null)[];
  gone: Row[];
}

const keyOf = (row: Row, key: string[]) => JSON.stringify(key.map((k) => row[k] ?? null));

/** Matches the earlier rows to today's by the report's key. */
export function compareRows(r: ReportResult, earlier: Row[], against: Omit<Comparison, 'before' | 'gone'>): Comparison {
  const byKey = new Map<string, Row>();
  for (const row of earlier) if (!byKey.has(keyOf(row, r.key))) byKey.set(keyOf(row, r.key), row);
  const now = new Set(r.rows.map((row) => keyOf(row, r.key)));
  return { ...against, before: r.rows.map((row) => byKey.get(keyOf(row, r.key)) ?? null), gone: earlier.filter((row) => !now.has(keyOf(row, r.key))) };
}

const num = (v: unknown) => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));

/** One line naming what the figures are compared with, in both languages. */
export function comparisonLine(c: Comparison): { en: string; ru: string } {
  const range = `${c.period.start} – ${c.period.end}`;
  const en = c.against === 'previous-run' ? `Compared with the previous run (${c.at?.slice(0, 16).replace('T', ' ')} UTC, period ${range})` : `Compared with ${range}${c.against === 'previous-period' ? ' (the previous period)' : ''}`;
  const ru = c.against === 'previous-run' ? `Сравнение с прошлым запуском (${c.at?.slice(0, 16).replace('T', ' ')} UTC, период ${range})` : `Сравнение с ${range}${c.against === 'previous-period' ? ' (предыдущий период)' : ''}`;
  const gone = c.gone.length ? { en: `; ${c.gone.length} earlier rows have no row now (shown last)`, ru: `; ${c.gone.length} прежних строк сейчас нет (в конце)` } : { en: '', ru: '' };
  return { en: `${en}${gone.en}.${c.note ? ` ${c.note.en}` : ''}`, ru: `${ru}${gone.ru}.${c.note ? ` ${c.note.ru}` : ''}` };
}

/**
 * The report as every output shows it when compared: after each figure (numeric column, not in the key) its earlier
 * value, the change and the relative change (a percent column's change is in points); earlier rows with no row now
 * come last, with their earlier figures only. The description says what was compared with.
 */
export function comparedView(r: ReportResult): ReportResult {
  const c = r.comparison;
  if (!c) return r;
  const figures = new Set(r.columns.filter((x) => NUMERIC.has(x.type) && !r.key.includes(x.name)).map((x) => x.name));
  const columns = r.columns.flatMap((x) =>
    figures.has(x.name)
      ? [
          x,
          { ...x, name: `${x.name}_before`, en: `${x.en} (before)`, ru: `${x.ru} (ранее)` },
          { ...x, name: `${x.name}_change`, en: `${x.en} Δ`, ru: `${x.ru} Δ` },
          { name: `${x.name}_change_pct`, en: `${x.en} Δ%`, ru: `${x.ru} Δ%`, type: 'percent', sum: false },
        ]
      : [x],
  );
  // A row missing on one side counts 0 for a figure that adds up (no deals then), nothing for a rate or an average.
  const adds = new Set(r.columns.filter((x) => figures.has(x.name) && sums(x)).map((x) => x.name));
  const change = (out: Row, f: string, a: number | null, b: number | null) => {
    out[`${f}_change`] = a !== null && b !== null ? Math.round((a - b) * 1e9) / 1e9 : null;
    out[`${f}_change_pct`] = a !== null && b !== null && b !== 0 ? Math.round(((a - b) / Math.abs(b)) * 1e6) / 1e6 : null;
  };
  const row = (now: Row | null, before: Row | null): Row => {
    const out: Row = { ...(now ?? Object.fromEntries(r.columns.map((x) => [x.name, figures.has(x.name) ? null : (before?.[x.name] ?? null)]))) };
    for (const f of figures) {
      const missing = (side: Row | null) => (side === null && adds.has(f) ? 0 : null);
      out[`${f}_before`] = num(before?.[f]);
      change(out, f, num(now?.[f]) ?? missing(now), num(before?.[f]) ?? missing(before));
    }
    return out;
  };
  const line = comparisonLine(c);
  const rows = [...r.rows.map((x, i) => row(x, c.before[i])), ...c.gone.map((x) => row(null, x))];
  // A figure's earlier values and changes add up as it does (the relative change never); no data stays no data.
  const noData = r.noData.flatMap((n) => (figures.has(n) ? [n, `${n}_change`, `${n}_change_pct`] : [n]));
  return {
    ...r, columns, rows, noData, totals: totalRows({ columns, rows, totalBy: r.totalBy, noData }).map((t) => {
      for (const f of adds) if (!noData.includes(f)) change(t, f, num(t[f]) ?? 0, num(t[`${f}_before`]) ?? 0);
      return t;
    }),
    description: { en: `${r.description.en} ${line.en}`, ru: `${r.description.ru} ${line.ru}` },
  };
}
