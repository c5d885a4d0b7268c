// grain: the declared key of the report's rows is unique.
import { count, pluralForm, ROWS_RU } from '../../plural.js';
import type { ValidationContext, ValidationResult } from '../validation.js';

export function grain(ctx: ValidationContext): ValidationResult {
  const seen = new Map<string, number>();
  for (const r of ctx.rows) {
    const k = JSON.stringify(ctx.report.key.map((c) => r[c] ?? null));
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const dup = [...seen.entries()].filter(([, n]) => n > 1);
  const key = ctx.report.key.join(', ');
  // The key as the table heads it: "одна строка на Канал, Модель", not the query's column names.
  const keyRu = ctx.report.key.map((c) => ctx.report.columns[c]?.ru ?? c).join(', ');
  if (dup.length === 0) {
    return { name: 'grain', status: 'valid', figures: { rows: ctx.rows.length, key }, message: { en: `one row per ${key} (${ctx.rows.length} rows)`, ru: `одна строка на ${keyRu} (${count(ctx.rows.length, 'ru', ROWS_RU)})` } };
  }
  return {
    name: 'grain', status: 'invalid', figures: { rows: ctx.rows.length, key, duplicated_keys: dup.length },
    message: { en: `${dup.length} values of (${key}) appear on more than one row, e.g. ${dup[0][0]}`, ru: `${count(dup.length, 'ru', { one: 'значение', few: 'значения', many: 'значений' })} (${keyRu}) ${pluralForm(dup.length, 'ru', { one: 'встречается', many: 'встречаются', few: 'встречаются' })} в нескольких строках, например ${dup[0][0]}` },
  };
}
