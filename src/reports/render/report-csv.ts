import type { ReportResult } from '../run-report.js';
import { renderCsv } from '../../ui/table.js';

/** Data only, machine-readable, formula injection neutralised; the status travels in the JSON, XLSX and HTML outputs. */
export function reportCsv(r: ReportResult): string {
  return renderCsv(r.rows, r.columns.map((c) => c.name));
}
