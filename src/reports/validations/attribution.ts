// attribution: the range of a figure across attribution models, per channel. Never one number as the truth.
import { fmt, type ValidationContext, type ValidationResult } from '../validation.js';

export function attribution(ctx: ValidationContext, spec: { value: string; model: string; group: string }): ValidationResult {
  const groups = new Map<string, { min: number; max: number; minModel: string; maxModel: string }>();
  for (const r of ctx.rows) {
    const v = r[spec.value];
    if (v === null || v === undefined) continue;
    const g = String(r[spec.group]);
    const x = Number(v);
    const cur = groups.get(g);
    if (!cur) groups.set(g, { min: x, max: x, minModel: String(r[spec.model]), maxModel: String(r[spec.model]) });
    else {
      if (x < cur.min) Object.assign(cur, { min: x, minModel: String(r[spec.model]) });
      if (x > cur.max) Object.assign(cur, { max: x, maxModel: String(r[spec.model]) });
    }
  }
  const spreads = [...groups.entries()].map(([g, s]) => ({ g, ...s, spread: s.max - s.min }));
  spreads.sort((a, b) => b.spread - a.spread);
  const widest = spreads[0];
  const figures = { groups: spreads.length, widest_group: widest?.g ?? null, widest_min: widest?.min ?? null, widest_max: widest?.max ?? null };
  if (!widest) return { name: 'attribution', status: 'warning', figures, message: { en: 'no attributed values to compare', ru: 'нет значений для сравнения моделей атрибуции' } };
  const list = spreads.slice(0, 3).map((s) => `${s.g}: ${fmt(s.min)} (${s.minModel}) to ${fmt(s.max)} (${s.maxModel})`).join('; ');
  const listRu = spreads.slice(0, 3).map((s) => `${s.g}: от ${fmt(s.min)} (${s.minModel}) до ${fmt(s.max)} (${s.maxModel})`).join('; ');
  const strong = spreads.some((s) => s.min > 0 ? s.max / s.min > 2 : s.max > 0);
  return {
    name: 'attribution', status: strong ? 'warning' : 'valid', figures,
    message: {
      en: `${spec.value} depends on the attribution model: ${list}. No model is the truth; compare them side by side.`,
      ru: `${spec.value} зависит от модели атрибуции: ${listRu}. Ни одна модель не истина; сравнивайте их рядом.`,
    },
  };
}
