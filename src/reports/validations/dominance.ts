// dominance: one record (or three) carrying most of a currency's total among the rows of one input the report
// reads: the total then describes that record more than the business. Says which, and the total without it.
import type { InputScope } from '../report-def.js';
import { fmt, fmtRu, money, pct, pctRu, type ValidationContext, type ValidationResult } from '../validation.js';
import { currencyOf, nounOf, relationOf } from './scope.js';

/** Below this many records a large share is ordinary (two deals: one carries half). */
export const DOMINANCE_MIN_ROWS = 10;
const TOP3_MIN_ROWS = 20;

export async function dominance(ctx: ValidationContext, entity: string, scope: InputScope): Promise<ValidationResult | undefined> {
  if (!scope.amount) return undefined;
  const share = ctx.report.validations.dominance;
  const rows = await ctx.db.all<{ currency: string | null; n: number; total: number; top_ids: string[]; top1: number; top3: number; x1: number }>(`
    WITH s AS (SELECT t.source || '/' || t.source_id AS id, ${currencyOf(entity)} AS currency, CAST(${scope.amount} AS DOUBLE) AS x FROM ${relationOf(entity)} t WHERE (${scope.where}) AND (${scope.amount}) IS NOT NULL),
    r AS (SELECT *, row_number() OVER (PARTITION BY currency ORDER BY abs(x) DESC, id) AS rk, sum(abs(x)) OVER (PARTITION BY currency) AS total, count(*) OVER (PARTITION BY currency) AS n FROM s)
    SELECT currency, n, total, list(id ORDER BY rk) FILTER (WHERE rk <= 3) AS top_ids, sum(abs(x)) FILTER (WHERE rk = 1) AS top1,
      sum(abs(x)) FILTER (WHERE rk <= 3) AS top3, sum(x) FILTER (WHERE rk = 1) AS x1, sum(x) AS signed
    FROM r GROUP BY currency, n, total ORDER BY currency NULLS LAST`);
  const top3Share = Math.min(0.95, share + 0.3);
  const hits = rows.filter((r) => r.total > 0 && r.n >= DOMINANCE_MIN_ROWS && (r.top1 / r.total > share || (r.n >= TOP3_MIN_ROWS && r.top3 / r.total > top3Share)));
  const figures: ValidationResult['figures'] = { currencies_dominated: hits.length, largest_share: rows.length ? Math.max(...rows.map((r) => (r.total ? r.top1 / r.total : 0))) : null };
  if (!hits.length) {
    return { name: 'dominance', input: entity, status: 'valid', figures, message: { en: `no ${nounOf(entity, 1)} carries more than ${pct(share)} of its currency's total`, ru: `ни одна строка (${entity}) не несёт больше ${pctRu(share)} итога своей валюты` } };
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
    return `${who} — ${pctRu(s)} итога в ${h.currency ?? 'без валюты'} по ${fmtRu(h.n)} строкам (${entity}); без ${one ? 'неё' : 'них'}: ${without}`;
  });
  return { name: 'dominance', input: entity, status: 'warning', figures, message: { en: en.join('; '), ru: ru.join('; ') } };
}
