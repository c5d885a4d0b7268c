// grain: the declared key of the report's rows is unique.
import type { ValidationContext, ValidationResult } from '../validation.js';

export function grain(ctx: ValidationContext): ValidationResult {
  const seen = new Map<string, number>();
  for (const r of ctx.rows) {
    const k = JSON.stringify(ctx.report.key.map((c) => r[c] ?? null));
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const dup = [...seen.entries()].filter(([, n]) => n > 1);
  const key = ctx.report.key.join(', ');
  if (dup.length === 0) {
    return { name: 'grain', status: 'valid', figures: { rows: ctx.rows.length, key }, message: { en: `one row per ${key} (${ctx.rows.length} rows)`, ru: `одна строка на ${key} (${ctx.rows.length} строк)` } };
  }
  return {
    name: 'grain', status: 'invalid', figures: { rows: ctx.rows.length, key, duplicated_keys: dup.length },
    message: { en: `${dup.length} values of (${key}) appear on more than one row, e.g. ${dup[0][0]}`, ru: `${dup.length} значений (${key}) встречаются в нескольких строках, например ${dup[0][0]}` },
  };
}
