// window: the period is fully covered by the imported data: no source is missing a month (or day) of it,
// and no source's data stops before the period ends.
import type { ValidationContext, ValidationResult } from '../validation.js';

export async function windowCheck(ctx: ValidationContext, spec: { entity: string; field: string; grain: 'month' | 'day' }): Promise<ValidationResult> {
  const f = spec.field;
  const gaps = await ctx.db.all<{ source: string; missing: string }>(`
    WITH bounds AS (SELECT source, min(${f})::DATE AS first, max(${f})::DATE AS last, count(*) AS n FROM ${spec.entity} WHERE ${f} IS NOT NULL GROUP BY source),
    -- Only sources dense enough that an empty ${spec.grain} is improbable (at least 5 rows per ${spec.grain} on average, P(0) < 1%).
    dense AS (SELECT * FROM bounds WHERE n / greatest(1, date_diff('${spec.grain}', first, last) + 1) >= 5),
    periods AS (
      SELECT b.source, p::DATE AS period FROM dense b,
        generate_series(date_trunc('${spec.grain}', getvariable('period_start')), date_trunc('${spec.grain}', getvariable('period_end')), INTERVAL 1 ${spec.grain}) t(p)
      WHERE p::DATE BETWEEN date_trunc('${spec.grain}', b.first) AND b.last),
    seen AS (SELECT DISTINCT source, date_trunc('${spec.grain}', ${f})::DATE AS period FROM ${spec.entity} WHERE ${f} IS NOT NULL)
    SELECT p.source, strftime(p.period, '${spec.grain === 'month' ? '%Y-%m' : '%Y-%m-%d'}') AS missing FROM periods p ANTI JOIN seen s USING (source, period) ORDER BY 1, 2`);
  const short = await ctx.db.all<{ source: string; last: string }>(`
    SELECT source, strftime(max(${f}), '%Y-%m-%d') AS last FROM ${spec.entity} WHERE ${f} IS NOT NULL GROUP BY source
    HAVING max(${f})::DATE < least(getvariable('period_end'), getvariable('as_of')) - INTERVAL ${spec.grain === 'month' ? 7 : 1} DAY AND max(${f})::DATE >= getvariable('period_start') - INTERVAL 62 DAY`);
  const figures = { missing_periods: gaps.length, sources_ending_early: short.length };
  if (gaps.length) {
    const list = gaps.slice(0, 5).map((g) => `${g.source} ${g.missing}`).join(', ');
    return { name: 'window', status: 'invalid', figures, message: { en: `no ${spec.entity} in part of the period: ${list}${gaps.length > 5 ? ', …' : ''}`, ru: `нет данных (${spec.entity}) за часть периода: ${list}${gaps.length > 5 ? ', …' : ''}` } };
  }
  if (short.length) {
    const list = short.map((s) => `${s.source} (${s.last})`).join(', ');
    return { name: 'window', status: 'warning', figures, message: { en: `data ends before the period does: ${list}`, ru: `данные заканчиваются раньше периода: ${list}` } };
  }
  return { name: 'window', status: 'valid', figures, message: { en: `every source has ${spec.entity} throughout the period`, ru: `по всем источникам есть данные (${spec.entity}) за весь период` } };
}
