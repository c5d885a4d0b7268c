import type { ReportResult } from '../run-report.js';

/** A report as JSON: rows under their column names, with the status and every validation beside them. */
export function reportJson(r: ReportResult): object {
  return {
    id: r.id, category: r.category, title: r.title, period: r.period, params: r.params, status: r.status,
    caveats: r.validations.filter((v) => v.status !== 'valid').map((v) => ({ check: v.name, status: v.status, message: v.message.en })),
    validations: r.validations, formula: r.formula.en, columns: r.columns, rows: r.rows,
  };
}
