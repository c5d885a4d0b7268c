// reconcile: the report's total equals an independent query's total over the base table.
// Also used as the fan-out half of grain: a count column must equal the count of distinct base rows.
import type { Row } from '../../db/database.js';
import { userSelect } from '../../db/user-sql.js';
import { count } from '../../plural.js';
import { fmt, fmtRu, type ValidationContext, type ValidationResult } from '../validation.js';

const keyOf = (r: Row, by: string[]) => by.map((b) => String(r[b] ?? '')).join('|');

export async function reconcile(
  ctx: ValidationContext,
  spec: { column: string; expected: string; by: string[]; label?: string | { en: string; ru: string } },
  as: 'reconcile' | 'grain' = 'reconcile',
): Promise<ValidationResult> {
  const report = new Map<string, number>();
  for (const r of ctx.rows) report.set(keyOf(r, spec.by), (report.get(keyOf(r, spec.by)) ?? 0) + Number(r[spec.column] ?? 0));
  const expectedRows = await userSelect(ctx.db, spec.expected, `${ctx.report.file}: validations.${as}.expected`);
  const expected = new Map<string, number>();
  for (const r of expectedRows) expected.set(keyOf(r, spec.by), Number(r.value ?? 0));
  const groups = [...new Set([...report.keys(), ...expected.keys()])].filter((g) => (report.get(g) ?? 0) !== 0 || (expected.get(g) ?? 0) !== 0);
  const off = groups.filter((g) => Math.abs((report.get(g) ?? 0) - (expected.get(g) ?? 0)) > 0.005);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const figures = { column: spec.column, report_total: total(report), independent_total: total(expected), groups_off: off.length };
  // Named as the table heads the column in Russian (a label only in English gives way to the column's Russian name).
  const what = typeof spec.label === 'string' ? spec.label : spec.label?.en ?? spec.column;
  const whatRu = typeof spec.label === 'object' ? spec.label.ru : ctx.report.columns[spec.column]?.ru ?? spec.column;
  if (off.length === 0) {
    return { name: as, status: 'valid', figures, message: { en: `${what}: report total ${fmt(total(report))} equals the independent total over the base table`, ru: `${whatRu}: итог отчёта ${fmtRu(total(report))} совпадает с независимым итогом по исходной таблице` } };
  }
  const detail = off.slice(0, 3).map((g) => `${g || 'total'}: ${fmt(report.get(g) ?? 0)} vs ${fmt(expected.get(g) ?? 0)}`).join('; ');
  const detailRu = off.slice(0, 3).map((g) => `${g || 'итог'}: ${fmtRu(report.get(g) ?? 0)} против ${fmtRu(expected.get(g) ?? 0)}`).join('; ');
  const en = as === 'grain' ? `${what} counts rows more than once (a join fans out): ${detail}` : `${what} does not reconcile with the base table: ${detail}`;
  const ru = as === 'grain' ? `${whatRu}: строки посчитаны больше одного раза (размножение при соединении): ${detailRu}` : `${whatRu} не сходится с исходной таблицей: ${detailRu}`;
  return { name: as, status: 'invalid', figures, message: { en, ru } };
}

/** parts: on every row, `total` equals the sum of `parts`. */
export function parts(ctx: ValidationContext, spec: { total: string; parts: string[] }): ValidationResult {
  const bad = ctx.rows.filter((r) => Math.abs(Number(r[spec.total] ?? 0) - spec.parts.reduce((a, p) => a + Number(r[p] ?? 0), 0)) > 0.005);
  const eq = `${spec.total} = ${spec.parts.join(' + ')}`;
  const label = (c: string) => ctx.report.columns[c]?.ru ?? c;
  const eqRu = `${label(spec.total)} = ${spec.parts.map(label).join(' + ')}`;
  const figures = { rows: ctx.rows.length, rows_off: bad.length };
  if (!bad.length) return { name: 'reconcile', status: 'valid', figures, message: { en: `${eq} on every row`, ru: `${eqRu} в каждой строке` } };
  const keys = bad.slice(0, 3).map((r) => ctx.report.key.map((k) => r[k]).join('/')).join(', ');
  return { name: 'reconcile', status: 'invalid', figures, message: { en: `${eq} fails on ${bad.length} rows (${keys})`, ru: `${eqRu} не выполняется в ${count(bad.length, 'ru', { one: 'строке', few: 'строках', many: 'строках' })} (${keys})` } };
}
