// duplicates: the same record present twice among the rows of one input the report reads: the same (source, id), or
// rows of one source equal in every identifying field (BASE_TABLES.same) whatever their ids, or, across sources after
// a CRM migration, the same amount, date and counterpart. Says which, and how much of the total (per currency) the
// extra copies carry. Twins within a source are invalid; look-alikes across sources a warning.
import { BASE_TABLES } from '../base-rows.js';
import type { InputScope } from '../report-def.js';
import { fmt, fmtRu, money, pct, pctRu, type ValidationContext, type ValidationResult } from '../validation.js';
import { currencyOf, nounOf, relationOf } from './scope.js';

interface Group { ids: string[]; copies: number; currency: string | null; extra: number }

export async function duplicates(ctx: ValidationContext, entity: string, scope: InputScope): Promise<ValidationResult | undefined> {
  const base = BASE_TABLES[entity];
  if (!base) return undefined;
  const amount = scope.amount ? `coalesce(CAST(${scope.amount} AS DOUBLE), 0)` : '0';
  const s = `(SELECT t.*, ${amount} AS crmq_amount, ${currencyOf(entity)} AS crmq_currency FROM ${relationOf(entity)} t WHERE ${scope.where})`;
  const key = scope.duplicates === 'ids' ? ['source_id'] : base.same;
  const ids = `list(DISTINCT source || '/' || source_id ORDER BY source || '/' || source_id)`;
  const k = key.join(', ');
  // Rows of one source equal in the key (or twice the same id with different contents: two versions of one record).
  // Window counts first, so only the few twins are aggregated.
  const twins = await ctx.db.all<Group>(`
    WITH c AS (SELECT *, count(*) OVER (PARTITION BY source, ${k}, crmq_currency) AS n_same, count(*) OVER (PARTITION BY source, source_id) AS n_id FROM ${s})
    SELECT ${ids} AS ids, count(*) AS copies, any_value(crmq_currency) AS currency, sum(crmq_amount) - max(crmq_amount) AS extra
    FROM c WHERE n_same > 1 GROUP BY source, ${k}, crmq_currency
    UNION ALL
    SELECT ${ids}, count(*), any_value(crmq_currency), sum(crmq_amount) - arg_max(crmq_amount, import_id)
    FROM c WHERE n_id > 1 GROUP BY source, source_id HAVING count(DISTINCT (${k})) > 1
    ORDER BY extra DESC, ids`);
  const across = base.across && scope.duplicates !== 'ids'
    ? await ctx.db.all<Group>(`
        SELECT ${ids} AS ids, count(*) AS copies, currency, sum(amount) - max(amount) AS extra FROM (
          SELECT source, source_id, crmq_currency AS currency, CAST(${base.across.amount} AS DOUBLE) AS amount, ${base.across.date} AS d, ${base.across.counterpart} AS who FROM ${s})
        WHERE amount IS NOT NULL AND d IS NOT NULL AND who IS NOT NULL
        GROUP BY amount, currency, d, who HAVING count(DISTINCT source) > 1 ORDER BY extra DESC, ids`)
    : [];
  const totals = await ctx.db.all<{ currency: string | null; amount: number }>(`SELECT crmq_currency AS currency, sum(crmq_amount) AS amount FROM ${s} GROUP BY 1 ORDER BY 1 NULLS LAST`);
  const extra = twins.reduce((a, g) => a + g.copies - 1, 0);
  const figures: ValidationResult['figures'] = { duplicate_rows: extra, duplicate_groups: twins.length, cross_source_groups: across.length };
  if (!twins.length && !across.length) {
    return { name: 'duplicates', input: entity, status: 'valid', figures, message: { en: `no ${base.noun.one} appears twice`, ru: `нет повторов (${base.noun.ru})` } };
  }
  const weight = (groups: Group[], lang: 'en' | 'ru') => {
    if (!scope.amount) return '';
    const by = new Map<string | null, number>();
    for (const g of groups) by.set(g.currency, (by.get(g.currency) ?? 0) + g.extra);
    const parts = [...by].filter(([, v]) => v !== 0).map(([currency, v]) => {
      const total = totals.find((t) => t.currency === currency)?.amount ?? 0;
      const share = total ? v / total : 0;
      return lang === 'en'
        ? `${money([{ currency, amount: v }], 'en')} (${pct(share)} of the ${currency ?? 'no-currency'} total; without them ${fmt(total - v)})`
        : `${money([{ currency, amount: v }], 'ru')} (${pctRu(share)} итога в ${currency ?? 'без валюты'}; без них ${fmtRu(total - v)})`;
    });
    return parts.length ? (lang === 'en' ? `; the extra copies carry ${parts.join(', ')}` : `; лишние копии несут ${parts.join(', ')}`) : '';
  };
  const list = (groups: Group[]) => groups.slice(0, 3).map((g) => (g.ids.length < g.copies ? `${g.ids.join(' = ')} ×${g.copies}` : g.ids.join(' = '))).join('; ') + (groups.length > 3 ? '; …' : '');
  const en: string[] = [];
  const ru: string[] = [];
  if (twins.length) {
    const how = scope.duplicates === 'collapsed' ? ' (the report counts repeated rows once)' : '';
    const howRu = scope.duplicates === 'collapsed' ? ' (отчёт считает повторы один раз)' : '';
    const sameId = twins.some((g) => g.ids.length < g.copies);
    const likely = !sameId && !base.conclusive ? ' probably' : '';
    const likelyRu = !sameId && !base.conclusive ? ', вероятно,' : '';
    en.push(`${fmt(extra)} ${nounOf(entity, extra)}${likely} loaded twice within a source${how}: ${list(twins)}${how ? '' : weight(twins, 'en')}`);
    ru.push(`${fmtRu(extra)} повторов (${base.noun.ru})${likelyRu} в одном источнике${howRu}: ${list(twins)}${howRu ? '' : weight(twins, 'ru')}`);
  }
  if (across.length) {
    en.push(`${fmt(across.length)} possibly the same ${base.noun.one} in two sources (same amount, date and counterpart, e.g. after a CRM migration): ${list(across)}${weight(across, 'en')}`);
    ru.push(`${fmtRu(across.length)} возможно одних и тех же (${base.noun.ru}) в двух источниках (та же сумма, дата и контрагент, например после переезда CRM): ${list(across)}${weight(across, 'ru')}`);
  }
  // Twins are certain when they share an id or the table's fields prove it; otherwise likely (two equal lines may be two lines).
  const certain = twins.some((g) => g.ids.length < g.copies) || (base.conclusive && scope.duplicates === 'content');
  const status = !twins.length || scope.duplicates === 'collapsed' ? (across.length ? 'warning' : 'valid') : certain ? 'invalid' : 'warning';
  return { name: 'duplicates', input: entity, status, figures, message: { en: en.join('; '), ru: ru.join('; ') } };
}
