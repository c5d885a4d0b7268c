// An XLSX workbook of a check run: a Summary sheet (one row per rule) and a Findings sheet.
import ExcelJS from 'exceljs';
import type { CheckResult } from '../commands/check.js';
import { FINDING_COLUMNS } from './findings-csv.js';
import { failuresFirst, ruleStatus } from './rule-order.js';

export async function findingsXlsx(r: CheckResult, path: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'crmq';
  const summary = wb.addWorksheet('Summary', { views: [{ state: 'frozen', ySplit: 1 }] });
  summary.columns = [
    { header: 'rule', key: 'rule', width: 36 }, { header: 'severity', key: 'severity', width: 9 }, { header: 'entity', key: 'entity', width: 14 },
    { header: 'checked', key: 'checked', width: 10 }, { header: 'failing', key: 'failing', width: 10 }, { header: 'share', key: 'share', width: 9, style: { numFmt: '0.0%' } },
    { header: 'threshold', key: 'threshold', width: 10 }, { header: 'failed', key: 'failed', width: 8 }, { header: 'status', key: 'status', width: 9 },
    { header: 'description', key: 'description', width: 80 },
  ];
  for (const x of failuresFirst(r.results)) summary.addRow({ ...x, share: x.checked ? x.failing / x.checked : 0, failed: x.failed ? 'yes' : 'no', status: ruleStatus(x) });
  summary.autoFilter = { from: 'A1', to: 'J1' };
  const sheet = wb.addWorksheet('Findings', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = FINDING_COLUMNS.map((c) => ({ header: c, key: c, width: c === 'message' || c === 'detail' ? 60 : c === 'line' ? 8 : 16 }));
  for (const f of r.findings) sheet.addRow({ ...f, new: f.new ? 'yes' : 'no' });
  sheet.autoFilter = { from: 'A1', to: { row: 1, column: FINDING_COLUMNS.length } };
  for (const ws of [summary, sheet]) ws.getRow(1).font = { bold: true };
  await wb.xlsx.writeFile(path);
}
