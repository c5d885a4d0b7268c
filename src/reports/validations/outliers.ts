// outliers: amounts among the rows of one input the report reads that are error-severity outliers (at least
// OUTLIER_RATIO times their table's median in the same currency: a typo, not a sale). By default the report leaves
// their amounts out (the row still counts) and this says so, with the total they would have made; with
// `--param outliers=include` they stay in and the report is invalid.
import { OUTLIER_RATIO } from '../base-rows.js';
import type { InputScope } from '../report-def.js';
import { fmt, fmtRu, money, type ValidationContext, type ValidationResult } from '../validation.js';
import { currencyOf, nounOf, relationOf } from './scope.js';
import { lit } from '../../db/sql.js';

export async function outliers(ctx: ValidationContext, entity: string, scope: InputScope): Promise<ValidationResult | undefined> {
  if (!scope.amount) return undefined;
  const include = ctx.params.outliers === 'include';
  const rows = await ctx.db.all<{ id: string; currency: string | null; amount: number; median: number; ratio: number }>(`
    SELECT s.source || '/' || s.source_id AS id, o.currency, o.amount, o.median, o.ratio FROM (SELECT * FROM ${relationOf(entity)} t WHERE ${scope.where}) s
    JOIN crmq_outliers o ON o.entity = ${lit(entity)} AND o.source = s.source AND o.source_id = s.source_id ORDER BY abs(o.amount) DESC, id`);
  const figures: ValidationResult['figures'] = { outliers: rows.length, included: include ? 1 : 0 };
  if (!rows.length) return { name: 'outliers', input: entity, status: 'valid', figures, message: { en: `no ${nounOf(entity, 1)} amount is ${fmt(OUTLIER_RATIO)}× its currency's median or more`, ru: `нет сумм (${entity}) в ${fmtRu(OUTLIER_RATIO)} раз больше медианы своей валюты` } };
  const list = rows.slice(0, 3).map((r) => `${r.id} ${money([r], 'en')} (${fmt(Math.round(r.ratio))}× the median ${fmt(r.median)})`).join(', ') + (rows.length > 3 ? ', …' : '');
  const listRu = rows.slice(0, 3).map((r) => `${r.id} ${money([r], 'ru')} (в ${fmtRu(Math.round(r.ratio))} раз больше медианы ${fmtRu(r.median)})`).join(', ') + (rows.length > 3 ? ', …' : '');
  // The scope's totals as the report has them; the other figure adds (or takes away) the outliers.
  const totals = await ctx.db.all<{ currency: string | null; amount: number }>(
    `SELECT ${currencyOf(entity)} AS currency, coalesce(sum(CAST(${scope.amount} AS DOUBLE)), 0) AS amount FROM ${relationOf(entity)} t WHERE ${scope.where} GROUP BY 1 ORDER BY 1 NULLS LAST`);
  const by = new Map<string | null, number>();
  for (const r of rows) by.set(r.currency, (by.get(r.currency) ?? 0) + r.amount);
  const other = [...by].map(([currency, v]) => ({ currency, amount: (totals.find((t) => t.currency === currency)?.amount ?? 0) + (include ? -v : v) }));
  if (include) {
    return { name: 'outliers', input: entity, status: 'invalid', figures, message: {
      en: `${rows.length} implausible amounts are included (--param outliers=include): ${list}; without them the total in scope would be ${money(other, 'en')}`,
      ru: `${rows.length} неправдоподобных сумм включены (--param outliers=include): ${listRu}; без них итог был бы ${money(other, 'ru')}`,
    } };
  }
  return { name: 'outliers', input: entity, status: 'warning', figures, message: {
    en: `${rows.length} implausible amounts left out of the sums (the rows still count): ${list}; with them the total in scope would be ${money(other, 'en')} (--param outliers=include keeps them)`,
    ru: `${rows.length} неправдоподобных сумм не вошли в суммы (строки считаются): ${listRu}; с ними итог был бы ${money(other, 'ru')} (--param outliers=include их оставляет)`,
  } };
}
