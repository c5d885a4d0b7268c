// currency: no sum mixes currencies (the report groups by currency, or the data has one), and rows without one are counted.
import type { ValidationContext, ValidationResult } from '../validation.js';

export async function currencyCheck(ctx: ValidationContext, spec: { entity: string; where: string; grouped: boolean }): Promise<ValidationResult> {
  const [r] = await ctx.db.all<{ currencies: string | null; n: number; missing: number }>(
    `SELECT string_agg(DISTINCT currency, ', ' ORDER BY currency) AS currencies, count(DISTINCT currency) AS n, count(*) FILTER (WHERE currency IS NULL) AS missing
     FROM ${spec.entity} t WHERE ${spec.where}`,
  );
  const figures = { currencies: r.currencies, rows_without_currency: r.missing };
  if (!spec.grouped && r.n > 1) {
    return { name: 'currency', status: 'invalid', figures, message: { en: `sums mix currencies (${r.currencies}) with no conversion`, ru: `суммы смешивают валюты (${r.currencies}) без пересчёта` } };
  }
  if (r.missing > 0) {
    return { name: 'currency', status: 'warning', figures, message: { en: `${r.missing} rows have no currency and are left out of the sums`, ru: `${r.missing} строк без валюты не вошли в суммы` } };
  }
  return { name: 'currency', status: 'valid', figures, message: { en: r.n > 1 ? `amounts kept apart by currency (${r.currencies})` : `one currency${r.currencies ? ` (${r.currencies})` : ''}`, ru: r.n > 1 ? `суммы разделены по валютам (${r.currencies})` : `одна валюта${r.currencies ? ` (${r.currencies})` : ''}` } };
}
