// Runs one report: its SQL over the canonical model, then every validation it declares and every one its inputs'
// scopes imply (coverage, duplicates, outliers, dominance, time window per input; missing inputs).
import type { Db, Row } from '../db/database.js';
import { ident } from '../db/sql.js';
import { checkSql, type SqlToCheck } from '../db/user-sql.js';
import { CrmqError } from '../errors.js';
import type { ReportDef } from './report-def.js';
import type { Period } from './context.js';
import { cachedDb } from './query-cache.js';
import { spreadNote } from './spread.js';
import { totalRows } from './totals.js';
import type { Comparison } from './compare.js';
import { coverage } from './validations/coverage.js';
import { currencyCheck } from './validations/currency.js';
import { dominance } from './validations/dominance.js';
import { findingsCheck } from './validations/findings.js';
import { duplicates } from './validations/duplicates.js';
import { grain } from './validations/grain.js';
import { inputsResult, missingInputs } from './validations/inputs.js';
import { outliers } from './validations/outliers.js';
import { parts, reconcile } from './validations/reconcile.js';
import { windowCheck } from './validations/window.js';
import { count } from '../plural.js';
import { pct, pctRu, worst, type Status, type ValidationContext, type ValidationResult } from './validation.js';

export interface ReportColumnResult {
  name: string;
  en: string;
  ru: string;
  type: string;
  sum?: boolean;
  from?: string;
  above_100?: { en: string; ru: string };
}

export interface ReportResult {
  id: string;
  category: string;
  title: { en: string; ru: string };
  /** The XLSX sheet's name, when the title does not fit one. */
  sheet?: { en: string; ru: string };
  description: { en: string; ru: string };
  formula: { en: string; ru: string };
  period: Period;
  params: Record<string, unknown>;
  columns: ReportColumnResult[];
  rows: Row[];
  /** Total rows: per currency (and `total_by`), only the columns that sum. */
  totals: Row[];
  totalBy: string[];
  /** Columns whose input has no data for the period: their cells are "no data", not 0. */
  noData: string[];
  validations: ValidationResult[];
  /** Statements that are not checks (how much a figure depends on the attribution model). */
  notes: { en: string; ru: string }[];
  status: Status;
  chart?: ReportDef['chart'];
  seconds: number;
  /** The columns that identify a row, and the tables the report reads. */
  key: string[];
  inputs: string[];
  /** With --compare: the earlier figures (compare.ts). */
  comparison?: Comparison;
}

/**
 * The definition's SQL expressions (scope, exclusions, currency checks) go into crmq's queries: each must be exactly
 * one expression, like a rule's `where` (docs/security.md), or the report does not run. Then its query: exactly one
 * SELECT. All with one parse.
 */
async function checkDefSql(db: Db, def: ReportDef): Promise<void> {
  const items: SqlToCheck[] = [];
  const check = (expr: string, path: string) => items.push({ kind: 'expression', sql: expr, where: `${def.file}: ${path}` });
  for (const [entity, s] of Object.entries(def.scope)) {
    const at = `scope.${entity}`;
    check(s.where, `${at}.where`);
    if (s.amount) check(s.amount, `${at}.amount`);
    if (s.period) check(s.period, `${at}.period`);
    for (const [i, d] of s.dates.entries()) {
      if (typeof d === 'string') check(d, `${at}.dates.${i}`);
      else {
        check(d.field, `${at}.dates.${i}.field`);
        check(d.where, `${at}.dates.${i}.where`);
      }
    }
    for (const [i, x] of s.exclude.entries()) check(x.when, `${at}.exclude.${i}.when`);
  }
  for (const [i, c] of def.validations.currency.entries()) check(c.where, `validations.currency.${i}.where`);
  items.push({ kind: 'select', sql: def.sql, where: def.file.replace(/\.ya?ml$/, '.sql') });
  await checkSql(db, items);
}

/** `keepAs`: also keep the rows, typed as the SQL made them, in this temp table (`crmq export` writes it out). */
export async function runReport(db: Db, def: ReportDef, period: Period, params: Record<string, unknown>, opts: { keepAs?: string } = {}): Promise<ReportResult> {
  const t = performance.now();
  await checkDefSql(db, def);
  let rows: Row[];
  try {
    if (opts.keepAs) {
      await db.run(`CREATE OR REPLACE TEMP TABLE ${ident(opts.keepAs)} AS ${def.sql.replace(/[\s;]+$/, '')}\n`);
      rows = await db.all(`SELECT * FROM ${ident(opts.keepAs)}`);
    } else rows = await db.all(def.sql);
  } catch (err) {
    if (err instanceof CrmqError) throw err;
    throw new CrmqError(`${def.file.replace(/\.ya?ml$/, '.sql')}: report ${def.id} failed in SQL: ${(err as Error).message.split('\n')[0]}`);
  }
  const ctx: ValidationContext = { db: cachedDb(db), report: def, rows, period, params };
  const v = def.validations;
  const results: ValidationResult[] = [];
  const guard = async (name: string, fn: () => Promise<ValidationResult | undefined> | ValidationResult | undefined) => {
    try {
      const r = await fn();
      if (r) results.push(r);
    } catch (err) {
      if (err instanceof CrmqError) throw err;
      throw new CrmqError(`${def.file}: ${name} failed in SQL: ${(err as Error).message.split('\n')[0]}`);
    }
  };
  const missing = await missingInputs(ctx);
  const noData = Object.entries(def.columns).filter(([, c]) => c.from && missing.some((m) => m.entity === c.from)).map(([name]) => name);
  for (const row of rows) for (const c of noData) row[c] = null;
  await guard('inputs', () => inputsResult(ctx, missing));
  for (const r of v.reconcile) await guard('validations.reconcile', () => reconcile(ctx, r));
  for (const p of v.parts) await guard('validations.parts', () => parts(ctx, p));
  await guard('grain', () => grain(ctx));
  for (const f of v.fanout) await guard('validations.fanout', () => reconcile(ctx, { ...f, label: { en: `${f.column} (one per base row)`, ru: `${def.columns[f.column]?.ru ?? f.column} (по одной на исходную строку)` } }, 'grain'));
  for (const [entity, scope] of Object.entries(def.scope)) {
    if (missing.some((m) => m.entity === entity && m.why === 'empty')) continue;
    const checks = { coverage, duplicates, outliers, dominance, window: windowCheck };
    for (const name of scope.checks) await guard(`scope.${entity} (${name})`, () => checks[name](ctx, entity, scope));
  }
  for (const c of v.currency) await guard('validations.currency', () => currencyCheck(ctx, c));
  if (v.findings ?? Object.keys(def.scope).length > 0) await guard('findings', () => findingsCheck(ctx));
  const columns = Object.entries(def.columns).map(([name, c]) => ({ name, ...c }));
  const note = def.spread ? spreadNote(rows, def.spread, def.columns[def.spread.value]) : undefined;
  return {
    id: def.id, category: def.category, title: def.title, sheet: def.sheet, description: def.description, formula: def.formula, period, params,
    columns, rows, totals: totalRows({ columns, rows, totalBy: def.total_by, noData }), totalBy: def.total_by, noData,
    validations: results, notes: [...(note ? [note] : []), ...overHundred(columns, rows)], status: worst(results.map((x) => x.status)), chart: def.chart, seconds: (performance.now() - t) / 1000,
    key: def.key, inputs: def.inputs,
  };
}

/** A ratio over 100% (lead → deal 250%) reads like an error: a note says on how many rows, how high, and why (the column's `above_100`). */
function overHundred(columns: ReportColumnResult[], rows: Row[]): { en: string; ru: string }[] {
  return columns.filter((c) => c.type === 'percent' && c.above_100).flatMap((c) => {
    const over = rows.map((r) => Number(r[c.name])).filter((v) => Number.isFinite(v) && v > 1);
    if (!over.length) return [];
    const top = Math.max(...over);
    return [{
      en: `${c.en} is above 100% on ${count(over.length, 'en', { one: 'row', other: 'rows' })} (up to ${pct(top)}): ${c.above_100!.en}`,
      ru: `${c.ru} больше 100% в ${count(over.length, 'ru', { one: 'строке', few: 'строках', many: 'строках' })} (до ${pctRu(top)}): ${c.above_100!.ru}`,
    }];
  });
}
