// The attribution spread: how far a figure moves across attribution models, per group. Not a check (nothing in the
// data makes one model the truth); a statement shown beside the caveats of the report.
import type { Row } from '../db/database.js';
import { fmt, fmtRu } from './validation.js';
import { valueLabel } from './render/i18n.js';

export function spreadNote(rows: Row[], spec: { value: string; model: string; group: string }, label: { en: string; ru: string } = { en: spec.value, ru: spec.value }): { en: string; ru: string } | undefined {
  const groups = new Map<string, { min: number; max: number; minModel: string; maxModel: string }>();
  for (const r of rows) {
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
  const spreads = [...groups.entries()].map(([g, s]) => ({ g, ...s, spread: s.max - s.min })).sort((a, b) => b.spread - a.spread || a.g.localeCompare(b.g));
  if (!spreads.some((s) => s.spread > 0)) return undefined;
  const list = spreads.slice(0, 3).map((s) => `${s.g}: ${fmt(s.min)} (${s.minModel}) to ${fmt(s.max)} (${s.maxModel})`).join('; ');
  const ru = (v: string) => valueLabel(v, 'ru');
  const listRu = spreads.slice(0, 3).map((s) => `${ru(s.g)}: от ${fmtRu(s.min)} (${ru(s.minModel)}) до ${fmtRu(s.max)} (${ru(s.maxModel)})`).join('; ');
  return {
    en: `${spec.value} depends on the attribution model: ${list}. No model is the truth; compare them side by side, and never add them up.`,
    ru: `${label.ru} зависит от модели атрибуции: ${listRu}. Ни одна модель не истина; сравнивайте их рядом и не складывайте.`,
  };
}
