// window: the period is fully covered by the imported data of one input, for each date field the report counts by:
// no source dense enough to have data every month (or day) is missing one, and no source's data stops before the
// period ends. A source is judged when a typical month (day) with data has at least 5 rows: a gap in it then means
// missing data, not a quiet month.
import { dateFieldRu, entityName } from '../render/i18n.js';
import type { InputScope } from '../report-def.js';
import type { ValidationContext, ValidationResult } from '../validation.js';
import { relationOf } from './scope.js';

export async function windowCheck(ctx: ValidationContext, entity: string, scope: InputScope): Promise<ValidationResult | undefined> {
  if (!scope.dates.length) return undefined;
  const grain = scope.grain;
  const label = (d: InputScope['dates'][number]) => (typeof d === 'string' ? d : `${d.field} where ${d.where}`);
  const gaps: { source: string; field: string; missing: string }[] = [];
  const short: { source: string; field: string; last: string }[] = [];
  for (const d of scope.dates) {
    const f = typeof d === 'string' ? d : d.field;
    const rel = `(SELECT * FROM ${relationOf(entity)} t WHERE ${f} IS NOT NULL${typeof d === 'string' ? '' : ` AND (${d.where})`})`;
    // One query, one pass over the rows: the periods each dense source is missing, and the sources whose data stops
    // short of the period's end (the latest date of each source's periods).
    const found = await ctx.db.all<{ kind: 'gap' | 'short'; source: string; at: string }>(`
      WITH seen AS MATERIALIZED (SELECT source, date_trunc('${grain}', ${f})::DATE AS period, count(*) AS n, max(${f}) AS latest FROM ${rel} GROUP BY ALL),
      bounds AS (SELECT source, min(period) AS first, max(period) AS last, median(n) AS typical FROM seen GROUP BY source),
      -- Only sources dense enough that an empty ${grain} is improbable: a typical ${grain} with data has at least 5 rows (P(0) < 1%).
      periods AS (
        SELECT b.source, p::DATE AS period FROM bounds b,
          generate_series(date_trunc('${grain}', getvariable('period_start')), date_trunc('${grain}', getvariable('period_end')), INTERVAL 1 ${grain}) t(p)
        WHERE b.typical >= 5 AND p::DATE BETWEEN b.first AND b.last)
      SELECT 'gap' AS kind, p.source, strftime(p.period, '${grain === 'month' ? '%Y-%m' : '%Y-%m-%d'}') AS at FROM periods p ANTI JOIN seen s USING (source, period)
      UNION ALL
      SELECT 'short', source, strftime(max(latest), '%Y-%m-%d') FROM seen GROUP BY source
      HAVING max(latest)::DATE < least(getvariable('period_end'), getvariable('as_of')) - INTERVAL ${grain === 'month' ? 7 : 1} DAY AND max(latest)::DATE >= getvariable('period_start') - INTERVAL 62 DAY
      ORDER BY 1, 2, 3`);
    gaps.push(...found.filter((x) => x.kind === 'gap').map((g) => ({ source: g.source, missing: g.at, field: label(d) })));
    short.push(...found.filter((x) => x.kind === 'short').map((g) => ({ source: g.source, last: g.at, field: label(d) })));
  }
  const figures = { missing_periods: gaps.length, sources_ending_early: short.length };
  const fields = scope.dates.length > 1;
  const by = (field: string) => (fields ? ` by ${field}` : '');
  const byRu = (field: string) => (fields ? ` по ${dateFieldRu(field.split(' ')[0])}` : '');
  const e = entityName(entity, 'ru');
  if (gaps.length) {
    const list = gaps.slice(0, 5).map((g) => `${g.source} ${g.missing}${by(g.field)}`).join(', ');
    const listRu = gaps.slice(0, 5).map((g) => `${g.source} ${g.missing}${byRu(g.field)}`).join(', ');
    return { name: 'window', input: entity, status: 'invalid', figures, message: { en: `no ${entity} in part of the period: ${list}${gaps.length > 5 ? ', …' : ''}`, ru: `нет данных (${e}) за часть периода: ${listRu}${gaps.length > 5 ? ', …' : ''}` } };
  }
  if (short.length) {
    const list = short.map((s) => `${s.source} (${s.last}${by(s.field)})`).join(', ');
    const listRu = short.map((s) => `${s.source} (${s.last}${byRu(s.field)})`).join(', ');
    return { name: 'window', input: entity, status: 'warning', figures, message: { en: `${entity} data ends before the period does: ${list}`, ru: `данные (${e}) заканчиваются раньше периода: ${listRu}` } };
  }
  return { name: 'window', input: entity, status: 'valid', figures, message: { en: `every source has ${entity} throughout the period`, ru: `по всем источникам есть данные (${e}) за весь период` } };
}
