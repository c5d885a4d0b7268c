// outliers: amounts among the rows of one input the report reads that are error-severity outliers (at least
// OUTLIER_RATIO times their table's median in the same currency: a typo, not a sale). By default the report leaves
// their amounts out (the row still counts) and this says so, with the total they would have made; with
// `--param outliers=include` they stay in and the report is invalid.
import { count } from '../../plural.js';
import { entityName } from '../render/i18n.js';
import { OUTLIER_RATIO } from '../base-rows.js';
import type { InputScope } from '../report-def.js';
import { fmt, fmtRu, money, type ValidationContext, type ValidationResult } from '../validation.js';
import { nounOf } from './scope.js';
import { scopeSummary } from './scope-summary.js';

export async function outliers(ctx: ValidationContext, entity: string, scope: InputScope): Promise<ValidationResult | undefined> {
  if (!scope.amount) return undefined;
  const include = ctx.params.outliers === 'include';
  const groups = await scopeSummary(ctx, entity, scope);
  const rows = groups.flatMap((g) => (g.outliers ?? []).map((o) => ({ ...o, currency: g.currency }))).sort((a, b) => Math.abs(b.amount) - Math.abs(a.amount) || a.id.localeCompare(b.id));
  const figures: ValidationResult['figures'] = { outliers: rows.length, included: include ? 1 : 0 };
  if (!rows.length) return { name: 'outliers', input: entity, status: 'valid', figures, message: { en: `no ${nounOf(entity, 1)} amount is ${fmt(OUTLIER_RATIO)}× its currency's median or more`, ru: `нет сумм (${entityName(entity, 'ru')}) в ${fmtRu(OUTLIER_RATIO)} раз больше медианы своей валюты` } };
  const list = rows.slice(0, 3).map((r) => `${r.id} ${money([r], 'en')} (${fmt(Math.round(r.ratio))}× the median ${fmt(r.median)})`).join(', ') + (rows.length > 3 ? ', …' : '');
  const listRu = rows.slice(0, 3).map((r) => `${r.id} ${money([r], 'ru')} (в ${count(Math.round(r.ratio), 'ru', { one: 'раз', few: 'раза', many: 'раз' })} больше медианы ${fmtRu(r.median)})`).join(', ') + (rows.length > 3 ? ', …' : '');
  // The scope's totals as the report has them; the other figure adds (or takes away) the outliers.
  const totals = groups.map((g) => ({ currency: g.currency, amount: g.signed }));
  const by = new Map<string | null, number>();
  for (const r of rows) by.set(r.currency, (by.get(r.currency) ?? 0) + r.amount);
  const other = [...by].map(([currency, v]) => ({ currency, amount: (totals.find((t) => t.currency === currency)?.amount ?? 0) + (include ? -v : v) }));
  if (include) {
    return { name: 'outliers', input: entity, status: 'invalid', figures, message: {
      en: `${rows.length} implausible amount${rows.length === 1 ? ' is' : 's are'} included (--param outliers=include): ${list}; without ${rows.length === 1 ? 'it' : 'them'} the total in scope would be ${money(other, 'en')}`,
      ru: `${count(rows.length, 'ru', { one: 'неправдоподобная сумма включена', few: 'неправдоподобные суммы включены', many: 'неправдоподобных сумм включены' })} (--param outliers=include): ${listRu}; без них итог был бы ${money(other, 'ru')}`,
    } };
  }
  return { name: 'outliers', input: entity, status: 'warning', figures, message: {
    en: `${rows.length} implausible amount${rows.length === 1 ? '' : 's'} left out of the sums (the rows still count): ${list}; with ${rows.length === 1 ? 'it' : 'them'} the total in scope would be ${money(other, 'en')} (--param outliers=include keeps ${rows.length === 1 ? 'it' : 'them'})`,
    ru: `${count(rows.length, 'ru', { one: 'неправдоподобная сумма не вошла', few: 'неправдоподобные суммы не вошли', many: 'неправдоподобных сумм не вошли' })} в суммы (строки считаются): ${listRu}; с ними итог был бы ${money(other, 'ru')} (--param outliers=include ${rows.length === 1 ? 'её' : 'их'} оставляет)`,
  } };
}
