// Runs one report: its SQL over the canonical model, then every validation it declares.
import type { Db, Row } from '../db/database.js';
import { CrmqError } from '../errors.js';
import type { ReportDef } from './report-def.js';
import type { Period } from './context.js';
import { attribution } from './validations/attribution.js';
import { coverage } from './validations/coverage.js';
import { currencyCheck } from './validations/currency.js';
import { grain } from './validations/grain.js';
import { parts, reconcile } from './validations/reconcile.js';
import { windowCheck } from './validations/window.js';
import { worst, type Status, type ValidationContext, type ValidationResult } from './validation.js';

export interface ReportResult {
  id: string;
  category: string;
  title: { en: string; ru: string };
  description: { en: string; ru: string };
  formula: { en: string; ru: string };
  period: Period;
  params: Record<string, unknown>;
  columns: { name: string; en: string; ru: string; type: string }[];
  rows: Row[];
  validations: ValidationResult[];
  status: Status;
  chart?: ReportDef['chart'];
  seconds: number;
}

export async function runReport(db: Db, def: ReportDef, period: Period, params: Record<string, unknown>): Promise<ReportResult> {
  const t = performance.now();
  let rows: Row[];
  try {
    rows = await db.all(def.sql);
  } catch (err) {
    throw new CrmqError(`${def.file.replace(/\.ya?ml$/, '.sql')}: report ${def.id} failed in SQL: ${(err as Error).message.split('\n')[0]}`);
  }
  const ctx: ValidationContext = { db, report: def, rows };
  const v = def.validations;
  const results: ValidationResult[] = [];
  const guard = async (name: string, fn: () => Promise<ValidationResult> | ValidationResult) => {
    try {
      results.push(await fn());
    } catch (err) {
      if (err instanceof CrmqError) throw err;
      throw new CrmqError(`${def.file}: validations.${name} failed in SQL: ${(err as Error).message.split('\n')[0]}`);
    }
  };
  for (const r of v.reconcile) await guard('reconcile', () => reconcile(ctx, r));
  for (const p of v.parts) await guard('parts', () => parts(ctx, p));
  await guard('grain', () => grain(ctx));
  for (const f of v.fanout) await guard('fanout', () => reconcile(ctx, { ...f, label: `${f.column} (one per base row)` }, 'grain'));
  if (v.coverage) await guard('coverage', () => coverage(ctx, v.coverage!));
  if (v.window) await guard('window', () => windowCheck(ctx, v.window!));
  if (v.currency) await guard('currency', () => currencyCheck(ctx, v.currency!));
  if (v.attribution) await guard('attribution', () => attribution(ctx, v.attribution!));
  return {
    id: def.id, category: def.category, title: def.title, description: def.description, formula: def.formula, period, params,
    columns: Object.entries(def.columns).map(([name, c]) => ({ name, ...c })), rows, validations: results,
    status: worst(results.map((x) => x.status)), chart: def.chart, seconds: (performance.now() - t) / 1000,
  };
}
