// dominance: one record (or three) carrying most of a currency's total among the rows of one input the report
// reads: the total then describes that record more than the business. Says which, and the total without it.
import type { InputScope } from '../report-def.js';
import { fmt, fmtRu, money, pct, pctRu, type ValidationContext, type ValidationResult } from '../validation.js';
import { nounOf } from './scope.js';
import { pluralForm } from '../../plural.js';
import { entityName } from '../render/i18n.js';
import { scopeSummary } from './scope-summary.js';

/** Below this many records a large share is ordinary (two deals: one carries half). */
export const DOMINANCE_MIN_ROWS = 10;
const TOP3_MIN_ROWS = 20;

export async function dominance(ctx: ValidationContext, entity: string, scope: InputScope): Promise<ValidationResult | undefined> {
  if (!scope.amount) return undefined;
  const share = ctx.report.validations.dominance;
  const rows = (await scopeSummary(ctx, entity, scope)).filter((g) => g.n_amount).map((g) => ({
    currency: g.currency, n: g.n_amount, total: g.total, top_ids: g.top_ids ?? [], top1: g.top?.[0] ?? 0, top3: (g.top ?? []).reduce((a, b) => a + b, 0),
  }));
  const top3Share = Math.min(0.95, share + 0.3);
  const hits = rows.filter((r) => r.total > 0 && r.n >= DOMINANCE_MIN_ROWS && (r.top1 / r.total > share || (r.n >= TOP3_MIN_ROWS && r.top3 / r.total > top3Share)));
  const figures: ValidationResult['figures'] = { currencies_dominated: hits.length, largest_share: rows.length ? Math.round(Math.max(...rows.map((r) => (r.total ? r.top1 / r.total : 0))) * 1e6) / 1e6 : null };
  if (!hits.length) {
    return { name: 'dominance', input: entity, status: 'valid', figures, message: { en: `no ${nounOf(entity, 1)} carries more than ${pct(share)} of its currency's total`, ru: `ни одна строка (${entityName(entity, 'ru')}) не несёт больше ${pctRu(share)} итога своей валюты` } };
  }
  const en = hits.map((h) => {
    const one = h.top1 / h.total > share;
    const who = one ? h.top_ids[0] : h.top_ids.join(', ');
    const s = one ? h.top1 / h.total : h.top3 / h.total;
    const without = one ? money([{ currency: h.currency, amount: h.total - h.top1 }], 'en') : money([{ currency: h.currency, amount: h.total - h.top3 }], 'en');
    return `${who} carr${one ? 'ies' : 'y'} ${pct(s)} of the ${h.currency ?? 'no-currency'} total of ${fmt(h.n)} ${nounOf(entity, h.n)}; without ${one ? 'it' : 'them'}: ${without}`;
  });
  const ru = hits.map((h) => {
    const one = h.top1 / h.total > share;
    const who = one ? h.top_ids[0] : h.top_ids.join(', ');
    const s = one ? h.top1 / h.total : h.top3 / h.total;
    const without = money([{ currency: h.currency, amount: h.total - (one ? h.top1 : h.top3) }], 'ru');
    return `${who} — ${pctRu(s)} итога в ${h.currency ?? 'без валюты'} по ${fmtRu(h.n)} ${pluralForm(h.n, 'ru', { one: 'строке', few: 'строкам', many: 'строкам' })} (${entityName(entity, 'ru')}); без ${one ? 'неё' : 'них'}: ${without}`;
  });
  return { name: 'dominance', input: entity, status: 'warning', figures, message: { en: en.join('; '), ru: ru.join('; ') } };
}
