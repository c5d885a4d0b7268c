// Reports as one XLSX workbook (exceljs): a sheet per report whose first rows carry the status, caveats and notes,
// typed cells with number, currency and date formats, "no data" where an input has none, a frozen header, an
// autofilter, Total rows (values) that add up only what sums, per currency and `total_by`; then a Validation sheet
// and a Data quality sheet.
import ExcelJS from 'exceljs';
import type { Row } from '../../db/database.js';
import type { ReportResult } from '../run-report.js';
import { VALIDATION_NAMES, valueLabel, WORDS, type Lang } from './i18n.js';

const NUMFMT: Record<string, string> = { money: '#,##0.00', percent: '0.0%', int: '#,##0', number: '#,##0.##', days: '0.0', date: 'yyyy-mm-dd', year: '0' };
const FILL = { valid: 'FFD9F2D9', warning: 'FFFFF2CC', invalid: 'FFF8D7DA' } as const;

function sheetName(title: string, used: Set<string>): string {
  const base = title.replace(/[\\/?*[\]:]/g, ' ').slice(0, 28).trim();
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base.slice(0, 26)} ${i}`;
  used.add(name.toLowerCase());
  return name;
}

function typed(v: unknown, type: string, lang: Lang): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  if (type === 'date' && typeof v === 'string') return new Date(`${v.slice(0, 10)}T00:00:00Z`);
  if (['money', 'percent', 'int', 'number', 'days', 'year'].includes(type)) return typeof v === 'number' ? v : Number(v);
  if (type === 'text' && typeof v === 'string') return valueLabel(v, lang);
  return typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean);
}

export async function reportsXlsx(results: ReportResult[], path: string, lang: Lang, quality: Row[] = []): Promise<void> {
  const w = WORDS[lang];
  const wb = new ExcelJS.Workbook();
  wb.creator = 'crmq';
  // The two summary sheets' names are taken first, so a report called "Data quality" gets "Data quality 2".
  const used = new Set<string>([w.validations.toLowerCase(), w.dataQuality.toLowerCase()]);
  for (const r of results) {
    const ws = wb.addWorksheet(sheetName(r.title[lang], used));
    ws.addRow([r.title[lang]]).font = { bold: true, size: 14 };
    const status = ws.addRow([`${w.status}: ${w[r.status]}`, `${w.period}: ${r.period.start} – ${r.period.end} (${w.asOf} ${r.period.asOf})`]);
    status.getCell(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FILL[r.status] } };
    status.font = { bold: true };
    for (const v of r.validations.filter((x) => x.status !== 'valid')) ws.addRow([`${VALIDATION_NAMES[v.name][lang]}: ${w[v.status]}`, v.message[lang]]);
    for (const n of r.notes) ws.addRow([w.note, n[lang]]);
    ws.addRow([]);
    const headerRow = ws.addRow(r.columns.map((c) => c[lang]));
    headerRow.font = { bold: true };
    const first = headerRow.number + 1;
    const cell = (row: Row, c: (typeof r.columns)[number]) => (r.noData.includes(c.name) ? w.noData : typed(row[c.name], c.type, lang));
    for (const row of r.rows) ws.addRow(r.columns.map((c) => cell(row, c)));
    const last = first + r.rows.length - 1;
    r.columns.forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      if (NUMFMT[c.type]) for (let n = first; n <= last; n++) ws.getCell(n, i + 1).numFmt = NUMFMT[c.type];
      col.width = Math.min(40, Math.max(i === 0 ? 24 : 12, c[lang].length + 2));
    });
    // Total rows as plain values: one per currency (and total_by), only the columns that sum; the rest left blank.
    for (const t of r.totals) {
      const totals = ws.addRow(r.columns.map((c, i) => {
        if (i === 0) return t[c.name] === null || t[c.name] === undefined ? w.total : `${w.total}: ${typed(t[c.name], c.type, lang)}`;
        if (r.noData.includes(c.name)) return w.noData;
        return typed(t[c.name], c.type, lang);
      }));
      totals.font = { bold: true };
      r.columns.forEach((c, i) => {
        if (NUMFMT[c.type]) totals.getCell(i + 1).numFmt = NUMFMT[c.type];
      });
    }
    ws.views = [{ state: 'frozen', ySplit: headerRow.number }];
    ws.autoFilter = { from: { row: headerRow.number, column: 1 }, to: { row: headerRow.number, column: r.columns.length } };
  }
  const vs = wb.addWorksheet(w.validations);
  vs.addRow([w.report, w.validation, w.result, w.details]).font = { bold: true };
  for (const r of results) {
    for (const v of r.validations) {
      const row = vs.addRow([r.title[lang], VALIDATION_NAMES[v.name][lang], w[v.status], v.message[lang]]);
      row.getCell(3).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FILL[v.status] } };
    }
  }
  vs.columns.forEach((c, i) => (c.width = [36, 16, 14, 100][i]));
  vs.views = [{ state: 'frozen', ySplit: 1 }];
  vs.autoFilter = { from: 'A1', to: 'D1' };
  const dq = wb.addWorksheet(w.dataQuality);
  dq.addRow([w.rule, w.severity, w.source, w.findings]).font = { bold: true };
  for (const q of quality) dq.addRow([q.rule, valueLabel(String(q.severity), lang), q.source, q.findings]);
  dq.columns.forEach((c, i) => (c.width = [36, 10, 16, 10][i]));
  dq.views = [{ state: 'frozen', ySplit: 1 }];
  await wb.xlsx.writeFile(path);
}
