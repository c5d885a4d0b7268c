// inputs: an input with no rows at all, or (for inputs counted by a date) none dated in the period, is missing: the
// columns that come from it say "no data" instead of 0, and the report says which input is missing.
import type { ValidationContext, ValidationResult } from '../validation.js';
import { relationOf } from './scope.js';
import { dateFieldRu, entityName } from '../render/i18n.js';

export interface MissingInput { entity: string; why: 'empty' | 'period' }

export async function missingInputs(ctx: ValidationContext): Promise<MissingInput[]> {
  const out: MissingInput[] = [];
  const counts = await ctx.db.all<{ entity: string; n: number; dated: number }>(ctx.report.inputs.map((entity) => {
    const field = ctx.report.scope[entity]?.period;
    return `SELECT '${entity}' AS entity, count(*) AS n, ${field ? `count(*) FILTER (WHERE in_period(${field}))` : 'count(*)'} AS dated FROM ${relationOf(entity)} t`;
  }).join(' UNION ALL '));
  for (const entity of ctx.report.inputs) {
    const r = counts.find((c) => c.entity === entity)!;
    if (!r.n) out.push({ entity, why: 'empty' });
    else if (!r.dated) out.push({ entity, why: 'period' });
  }
  return out;
}

export function inputsResult(ctx: ValidationContext, missing: MissingInput[]): ValidationResult {
  const cols = (entity: string, lang: 'en' | 'ru') => Object.entries(ctx.report.columns).filter(([, c]) => c.from === entity).map(([, c]) => c[lang]);
  const figures = { missing_inputs: missing.map((m) => m.entity).join(', ') || null };
  if (!missing.length) return { name: 'inputs', status: 'valid', figures, message: { en: `every input has data (${ctx.report.inputs.join(', ')})`, ru: `по всем входным данным есть строки (${ctx.report.inputs.map((e) => entityName(e, 'ru')).join(', ')})` } };
  const en = missing.map((m) => {
    const c = cols(m.entity, 'en');
    const field = ctx.report.scope[m.entity]?.period;
    return `${m.why === 'empty' ? `no ${m.entity} imported` : `no ${m.entity} dated (${field}) in the period`}${c.length ? `: ${c.join(', ')} shown as no data` : ''}`;
  });
  const ru = missing.map((m) => {
    const c = cols(m.entity, 'ru');
    const field = ctx.report.scope[m.entity]?.period;
    return `${m.why === 'empty' ? `не загружены ${entityName(m.entity, 'ru')}` : `нет данных (${entityName(m.entity, 'ru')}) по ${dateFieldRu(field ?? '')} в периоде`}${c.length ? `: ${c.join(', ')} — нет данных` : ''}`;
  });
  return { name: 'inputs', input: missing.map((m) => m.entity).join(', '), status: 'warning', figures, message: { en: en.join('; '), ru: ru.join('; ') } };
}
