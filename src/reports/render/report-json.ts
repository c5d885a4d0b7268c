import type { ReportResult } from '../run-report.js';

/** A report as JSON: rows under their column names (null in a column with no data), with the status, every validation and the totals beside them. */
export function reportJson(r: ReportResult): object {
  return {
    id: r.id, category: r.category, title: r.title, period: r.period, params: r.params, status: r.status,
    caveats: r.validations.filter((v) => v.status !== 'valid').map((v) => ({ check: v.name, input: v.input, status: v.status, message: v.message.en })),
    notes: r.notes.map((n) => n.en), validations: r.validations, formula: r.formula.en, columns: r.columns, rows: r.rows,
    /** Per currency (and total_by): only the columns that sum. */
    totals: r.totals, no_data: r.noData,
  };
}
