// window: the period is fully covered by the imported data of one input, for each date field the report counts by:
// no source dense enough to have data every month (or day) is missing one, and no source's data stops before the
// period ends.
import type { InputScope } from '../report-def.js';
import type { ValidationContext, ValidationResult } from '../validation.js';
import { relationOf } from './scope.js';

export async function windowCheck(ctx: ValidationContext, entity: string, scope: InputScope): Promise<ValidationResult | undefined> {
  if (!scope.dates.length) return undefined;
  const grain = scope.grain;
  const gaps: { source: string; field: string; missing: string }[] = [];
  const short: { source: string; field: string; last: string }[] = [];
  for (const d of scope.dates) {
    const f = typeof d === 'string' ? d : d.field;
    const rel = `(SELECT * FROM ${relationOf(entity)} t WHERE ${f} IS NOT NULL${typeof d === 'string' ? '' : ` AND (${d.where})`})`;
    gaps.push(...(await ctx.db.all<{ source: string; missing: string }>(`
      WITH bounds AS (SELECT source, min(${f})::DATE AS first, max(${f})::DATE AS last, count(*) AS n FROM ${rel} GROUP BY source),
      -- Only sources dense enough that an empty ${grain} is improbable (at least 5 rows per ${grain} on average, P(0) < 1%).
      dense AS (SELECT * FROM bounds WHERE n / greatest(1, date_diff('${grain}', first, last) + 1) >= 5),
      periods AS (
        SELECT b.source, p::DATE AS period FROM dense b,
          generate_series(date_trunc('${grain}', getvariable('period_start')), date_trunc('${grain}', getvariable('period_end')), INTERVAL 1 ${grain}) t(p)
        WHERE p::DATE BETWEEN date_trunc('${grain}', b.first) AND b.last),
      seen AS (SELECT DISTINCT source, date_trunc('${grain}', ${f})::DATE AS period FROM ${rel})
      SELECT p.source, strftime(p.period, '${grain === 'month' ? '%Y-%m' : '%Y-%m-%d'}') AS missing FROM periods p ANTI JOIN seen s USING (source, period) ORDER BY 1, 2`)).map((g) => ({ ...g, field: f })));
    short.push(...(await ctx.db.all<{ source: string; last: string }>(`
      SELECT source, strftime(max(${f}), '%Y-%m-%d') AS last FROM ${rel} GROUP BY source
      HAVING max(${f})::DATE < least(getvariable('period_end'), getvariable('as_of')) - INTERVAL ${grain === 'month' ? 7 : 1} DAY AND max(${f})::DATE >= getvariable('period_start') - INTERVAL 62 DAY
      ORDER BY 1`)).map((s) => ({ ...s, field: f })));
  }
  const figures = { missing_periods: gaps.length, sources_ending_early: short.length };
  const fields = scope.dates.length > 1;
  const by = (field: string) => (fields ? ` by ${field}` : '');
  if (gaps.length) {
    const list = gaps.slice(0, 5).map((g) => `${g.source} ${g.missing}${by(g.field)}`).join(', ');
    return { name: 'window', input: entity, status: 'invalid', figures, message: { en: `no ${entity} in part of the period: ${list}${gaps.length > 5 ? ', …' : ''}`, ru: `нет данных (${entity}) за часть периода: ${list}${gaps.length > 5 ? ', …' : ''}` } };
  }
  if (short.length) {
    const list = short.map((s) => `${s.source} (${s.last}${by(s.field)})`).join(', ');
    return { name: 'window', input: entity, status: 'warning', figures, message: { en: `${entity} data ends before the period does: ${list}`, ru: `данные (${entity}) заканчиваются раньше периода: ${list}` } };
  }
  return { name: 'window', input: entity, status: 'valid', figures, message: { en: `every source has ${entity} throughout the period`, ru: `по всем источникам есть данные (${entity}) за весь период` } };
}
