// duplicates: the same record present twice among the rows of one input the report reads: the same (source, id), or
// rows of one source equal in every identifying field (BASE_TABLES.same) whatever their ids, or, across sources after
// a CRM migration, the same amount, date and counterpart. Says which, and how much of the total (per currency) the
// extra copies carry. Twins within a source are invalid; look-alikes across sources a warning.
import { BASE_TABLES } from '../base-rows.js';
import type { InputScope } from '../report-def.js';
import { fmt, fmtRu, money, pct, pctRu, type ValidationContext, type ValidationResult } from '../validation.js';
import { currencyOf, nounOf, relationOf } from './scope.js';
import { count } from '../../plural.js';
import type { Db } from '../../db/database.js';
import { onceBuilt } from '../query-cache.js';

/**
 * The rows of an input that can be twins at all, whatever a report's scope: those whose identifying fields, id, or
 * (across sources) amount, date and counterpart occur more than once in the whole relation. A group of twins within
 * any scope is a group here too, so each report's query reads these few rows, not the whole table; they are found in
 * one pass per input and run, not one per report.
 */
async function candidates(db: Db, entity: string, key: string[], across: { amount: string; date: string; counterpart: string } | undefined): Promise<string> {
  const name = `crmq_twin_rows_${entity}_${key.length === 1 && key[0] === 'source_id' ? 'ids' : 'same'}`;
  const same = `hash(t.source, ${key.map((c) => `t.${c}`).join(', ')}, ${currencyOf(entity)})`;
  const look = across
    ? `CASE WHEN (${across.amount}) IS NOT NULL AND (${across.date}) IS NOT NULL AND (${across.counterpart}) IS NOT NULL THEN hash(CAST(${across.amount} AS DOUBLE), ${currencyOf(entity)}, ${across.date}, ${across.counterpart}) END`
    : undefined;
  await onceBuilt(db, name, `CREATE OR REPLACE TEMP TABLE ${name} AS
    WITH k AS MATERIALIZED (SELECT t.source, ${same} AS crmq_same, hash(t.source, t.source_id) AS crmq_id${look ? `, ${look} AS crmq_look` : ''} FROM ${relationOf(entity)} t)
    SELECT t.* FROM ${relationOf(entity)} t
    WHERE ${same} IN (SELECT crmq_same FROM k GROUP BY 1 HAVING count(*) > 1)
      OR hash(t.source, t.source_id) IN (SELECT crmq_id FROM k GROUP BY 1 HAVING count(*) > 1)
      ${look ? `OR ${look} IN (SELECT crmq_look FROM k WHERE crmq_look IS NOT NULL GROUP BY 1 HAVING min(source) <> max(source))` : ''}`);
  return name;
}

interface Group { ids: string[]; copies: number; currency: string | null; extra: number }

export async function duplicates(ctx: ValidationContext, entity: string, scope: InputScope): Promise<ValidationResult | undefined> {
  const base = BASE_TABLES[entity];
  if (!base) return undefined;
  const amount = scope.amount ? `coalesce(CAST(${scope.amount} AS DOUBLE), 0)` : '0';
  const key = scope.duplicates === 'ids' ? ['source_id'] : base.same;
  const across = base.across && scope.duplicates !== 'ids' ? base.across : undefined;
  // Only the columns the comparison needs: the scope's rows are many, their twins few.
  const cols = [...new Set(['source', 'source_id', 'import_id', ...key])].map((c) => `t.${c}`).join(', ');
  const acrossCols = across ? `, CAST(${across.amount} AS DOUBLE) AS crmq_x, ${across.date} AS crmq_d, ${across.counterpart} AS crmq_who` : '';
  const scoped = (from: string) => `(SELECT ${cols}, ${amount} AS crmq_amount, ${currencyOf(entity)} AS crmq_currency${acrossCols} FROM ${from} t WHERE ${scope.where})`;
  const s = scoped(await candidates(ctx.db, entity, key, across));
  const ids = `list(DISTINCT source || '/' || source_id ORDER BY source || '/' || source_id)`;
  const k = key.join(', ');
  // Rows of one source equal in the key (or twice the same id with different contents: two versions of one record),
  // and rows of different sources with the same amount, date and counterpart. Hash aggregates find the few groups
  // first; only their rows are listed.
  const found = await ctx.db.all<Group & { kind: 'twin' | 'across' }>(`
    WITH h AS (SELECT *, hash(source, ${k}, crmq_currency) AS crmq_same, hash(source, source_id) AS crmq_id${across ? ', CASE WHEN crmq_x IS NOT NULL AND crmq_d IS NOT NULL AND crmq_who IS NOT NULL THEN hash(crmq_x, crmq_currency, crmq_d, crmq_who) END AS crmq_look' : ''} FROM ${s}),
    same AS (SELECT crmq_same FROM h GROUP BY 1 HAVING count(*) > 1),
    id AS (SELECT crmq_id FROM h GROUP BY 1 HAVING count(*) > 1)
    ${across ? ', look AS (SELECT crmq_look FROM h WHERE crmq_look IS NOT NULL GROUP BY 1 HAVING min(source) <> max(source))' : ''}
    SELECT 'twin' AS kind, ${ids} AS ids, count(*) AS copies, any_value(crmq_currency) AS currency, sum(crmq_amount) - max(crmq_amount) AS extra
    FROM h WHERE crmq_same IN (SELECT crmq_same FROM same) GROUP BY source, ${k}, crmq_currency HAVING count(*) > 1
    UNION ALL
    SELECT 'twin', ${ids}, count(*), any_value(crmq_currency), sum(crmq_amount) - arg_max(crmq_amount, import_id)
    FROM h WHERE crmq_id IN (SELECT crmq_id FROM id) GROUP BY source, source_id HAVING count(DISTINCT (${k})) > 1
    ${across ? `UNION ALL
    SELECT 'across', ${ids}, count(*), crmq_currency, sum(crmq_x) - max(crmq_x) FROM h WHERE crmq_look IN (SELECT crmq_look FROM look)
    GROUP BY crmq_x, crmq_currency, crmq_d, crmq_who HAVING count(DISTINCT source) > 1` : ''}
    ORDER BY kind, extra DESC, ids`);
  const twins = found.filter((g) => g.kind === 'twin');
  const acrossGroups = found.filter((g) => g.kind === 'across');
  const extra = twins.reduce((a, g) => a + g.copies - 1, 0);
  const figures: ValidationResult['figures'] = { duplicate_rows: extra, duplicate_groups: twins.length, cross_source_groups: acrossGroups.length };
  if (!twins.length && !acrossGroups.length) {
    return { name: 'duplicates', input: entity, status: 'valid', figures, message: { en: `no ${base.noun.one} appears twice`, ru: `нет повторов (${base.noun.ru})` } };
  }
  const totals = await ctx.db.all<{ currency: string | null; amount: number }>(`SELECT crmq_currency AS currency, sum(crmq_amount) AS amount FROM ${scoped(relationOf(entity))} GROUP BY 1 ORDER BY 1 NULLS LAST`);
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
    ru.push(`${count(extra, 'ru', { one: 'повтор', few: 'повтора', many: 'повторов' })} (${base.noun.ru})${likelyRu} в одном источнике${howRu}: ${list(twins)}${howRu ? '' : weight(twins, 'ru')}`);
  }
  if (acrossGroups.length) {
    en.push(`${fmt(acrossGroups.length)} possibly the same ${base.noun.one} in two sources (same amount, date and counterpart, e.g. after a CRM migration): ${list(acrossGroups)}${weight(acrossGroups, 'en')}`);
    ru.push(`${fmtRu(acrossGroups.length)} возможно одних и тех же (${base.noun.ru}) в двух источниках (та же сумма, дата и контрагент, например после переезда CRM): ${list(acrossGroups)}${weight(acrossGroups, 'ru')}`);
  }
  // Twins are certain when they share an id or the table's fields prove it; otherwise likely (two equal lines may be two lines).
  const certain = twins.some((g) => g.ids.length < g.copies) || (base.conclusive && scope.duplicates === 'content');
  const status = !twins.length || scope.duplicates === 'collapsed' ? (acrossGroups.length ? 'warning' : 'valid') : certain ? 'invalid' : 'warning';
  return { name: 'duplicates', input: entity, status, figures, message: { en: en.join('; '), ru: ru.join('; ') } };
}
