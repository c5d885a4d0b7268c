// currency: no sum mixes currencies. grouped: the report keeps amounts apart per currency, and rows without one are
// counted. single: the report sums one currency (its currency column says which); rows of other currencies, or of
// none, are left out and said so with their amounts; a currency the scope does not have is invalid.
import { fmt, fmtRu, money, type ValidationContext, type ValidationResult } from '../validation.js';
import { nounOf, relationOf } from './scope.js';
import { count, pluralForm, ROWS_RU } from '../../plural.js';
import { entityName } from '../render/i18n.js';

export async function currencyCheck(ctx: ValidationContext, spec: { entity: string; where: string; grouped: boolean }): Promise<ValidationResult> {
  const amount = ctx.report.scope[spec.entity]?.amount;
  const rows = await ctx.db.all<{ currency: string | null; n: number; amount: number }>(
    `SELECT currency, count(*) AS n, ${amount ? `coalesce(sum(CAST(${amount} AS DOUBLE)), 0)` : '0'} AS amount FROM ${relationOf(spec.entity)} t WHERE ${spec.where} GROUP BY 1 ORDER BY 1 NULLS LAST`);
  const named = rows.filter((r) => r.currency !== null);
  const missing = rows.find((r) => r.currency === null)?.n ?? 0;
  const list = named.map((r) => r.currency).join(', ');
  const figures: ValidationResult['figures'] = { currencies: list || null, rows_without_currency: missing };
  const v = (status: ValidationResult['status'], en: string, ru: string): ValidationResult => ({ name: 'currency', input: spec.entity, status, figures, message: { en, ru } });
  if (spec.grouped) {
    if (missing) return v('warning', `${fmt(missing)} ${nounOf(spec.entity, missing)} without a currency: their amounts belong to no currency's total`, `${count(missing, 'ru', ROWS_RU)} (${entityName(spec.entity, 'ru')}) без валюты: их суммы не относятся к итогу ни одной валюты`);
    return named.length > 1 ? v('valid', `amounts kept apart by currency (${list}); no total adds them up`, `суммы разделены по валютам (${list}); итоги их не складывают`)
      : v('valid', `one currency${list ? ` (${list})` : ''}`, `одна валюта${list ? ` (${list})` : ''}`);
  }
  const [{ rc }] = await ctx.db.all<{ rc: string }>('SELECT report_currency() AS rc');
  const col = Object.entries(ctx.report.columns).find(([, c]) => c.type === 'currency')?.[0];
  const shown = new Set(ctx.rows.map((r) => (col ? r[col] : undefined)).filter((x) => x !== null && x !== undefined));
  figures.report_currency = rc;
  if (!col || [...shown].some((c) => c !== rc)) {
    if (named.length > 1) return v('invalid', `sums mix currencies (${list}) with no conversion`, `суммы смешивают валюты (${list}) без пересчёта`);
  }
  const other = rows.filter((r) => r.currency !== rc);
  figures.rows_left_out = other.reduce((a, r) => a + r.n, 0);
  if (rows.length && !rows.some((r) => r.currency === rc)) {
    return v('invalid', `no ${spec.entity} in ${rc}: the report is empty (the data has ${list || 'no currency'}; --param currency=… chooses)`, `нет данных (${entityName(spec.entity, 'ru')}) в ${rc}: отчёт пуст (в данных ${list || 'нет валют'}; выберите --param currency=…)`);
  }
  if (other.length) {
    const n = other.reduce((a, r) => a + r.n, 0);
    const amounts = amount ? ` (${money(other, 'en')})` : '';
    const amountsRu = amount ? ` (${money(other, 'ru')})` : '';
    return v('warning', `sums in ${rc} only: ${fmt(n)} ${nounOf(spec.entity, n)} in ${other.map((r) => r.currency ?? 'no currency').join(', ')} left out${amounts}; --param currency=… reports another`,
      `суммы только в ${rc}: ${count(n, 'ru', ROWS_RU)} (${entityName(spec.entity, 'ru')}) в ${other.map((r) => r.currency ?? 'без валюты').join(', ')} ${pluralForm(n, 'ru', { one: 'не вошла', few: 'не вошли', many: 'не вошли' })}${amountsRu}; --param currency=… — отчёт в другой валюте`);
  }
  return v('valid', `one currency (${rc})`, `одна валюта (${rc})`);
}
