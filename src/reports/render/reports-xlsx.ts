// Reports as one XLSX workbook (exceljs): a Contents sheet first (each report with its category, status, why, and a
// link to its sheet), then a sheet per report whose first rows carry the status, caveats and notes, typed cells with
// number, currency and date formats (years and text as text), "no data" where an input has none, a frozen header, an
// autofilter, Total rows (values) that add up only what sums, per currency and `total_by`; then a sheet of all
// validations and one of findings by rule. Columns are as wide as their content; every sheet prints fitted to the
// page's width with its header repeated.
import ExcelJS from 'exceljs';
import type { Row } from '../../db/database.js';
import type { ReportResult } from '../run-report.js';
import { failingFirst } from '../validation.js';
import { formatCell } from './format.js';
import { CATEGORY_NAMES, VALIDATION_NAMES, valueLabel, WORDS, type Lang } from './i18n.js';

const NUMFMT: Record<string, string> = { money: '#,##0.00', percent: '0.0%', int: '#,##0', number: '#,##0.##', days: '0.0', date: 'yyyy-mm-dd' };
const FILL = { valid: 'FFD9F2D9', warning: 'FFFFF2CC', invalid: 'FFF8D7DA' } as const;
const MAX_SHEET = 31;

/**
 * A sheet name Excel accepts (31 characters, none of : \ / ? * [ ]) that no other sheet has: the report's `sheet` name
 * or its title; a longer title is shortened at a word with "…"; only a clash left after that gets a number.
 */
export function sheetName(title: string, used: Set<string>): string {
  let base = title.replace(/\s*:\s*/g, ' — ').replace(/[\\/?*[\]]/g, ' ').replace(/\s+/g, ' ').trim();
  if (base.length > MAX_SHEET) base = `${base.slice(0, MAX_SHEET - 1).replace(/\s+\S*$/, '')}…`;
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base.slice(0, MAX_SHEET - 3)} ${i}`;
  used.add(name.toLowerCase());
  return name;
}

function typed(v: unknown, type: string, lang: Lang): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  if (type === 'date' && typeof v === 'string') return new Date(`${v.slice(0, 10)}T00:00:00Z`);
  // A year is a label (2026, never 2,026), and so is every text cell: an id like 00123 keeps its zeros.
  if (type === 'year') return formatCell(v, 'year', lang);
  if (['money', 'percent', 'int', 'number', 'days'].includes(type)) return typeof v === 'number' ? v : Number(v);
  if (type === 'text' || type === 'currency') return typeof v === 'object' ? JSON.stringify(v) : type === 'text' ? valueLabel(String(v), lang) : String(v);
  return typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean);
}

/** Column widths fitted to the longest value as shown (a Cyrillic letter counts as one), from `from` down. */
function fitColumns(ws: ExcelJS.Worksheet, from: number, min = 6, max = 60): void {
  const widths: number[] = [];
  ws.eachRow((row, n) => {
    if (n < from) return;
    row.eachCell((cell, c) => {
      const v = cell.value;
      const text = v === null || v === undefined ? '' : v instanceof Date ? '2026-01-01' : typeof v === 'number' ? numberText(v, cell.numFmt) : typeof v === 'object' && 'text' in v ? String(v.text) : String(v);
      widths[c] = Math.max(widths[c] ?? 0, ...text.split('\n').map((l) => l.length));
    });
  });
  widths.forEach((w, c) => { if (w !== undefined) ws.getColumn(c).width = Math.min(max, Math.max(min, w + 2)); });
}

const numberText = (v: number, fmt: string | undefined) =>
  fmt === '0.0%' ? `${(v * 100).toFixed(1)}%` : v.toLocaleString('en-US', { minimumFractionDigits: fmt === '#,##0.00' ? 2 : 0, maximumFractionDigits: 2 });

/** A4, fitted to the page's width (as many pages down as it takes), landscape for wide tables, the header on every page. */
function printSetup(ws: ExcelJS.Worksheet, columns: number, headerRow: number, w: (typeof WORDS)[Lang]): void {
  ws.pageSetup = {
    paperSize: 9, orientation: columns > 6 ? 'landscape' : 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0,
    printTitlesRow: `${headerRow}:${headerRow}`, margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.2, footer: 0.2 },
  };
  ws.headerFooter = { oddFooter: `&L&A&R${w.page} &P ${w.of} &N` };
}

export async function reportsXlsx(results: ReportResult[], path: string, lang: Lang, quality: Row[] = []): Promise<void> {
  const w = WORDS[lang];
  const wb = new ExcelJS.Workbook();
  wb.creator = 'crmq';
  // The summary sheets' names are taken first; none of them is a report's title.
  const used = new Set<string>([w.contents, w.allValidations, w.findingsByRule].map((x) => x.toLowerCase()));
  const contents = wb.addWorksheet(w.contents);
  const names = results.map((r) => sheetName(r.sheet?.[lang] ?? r.title[lang], used));
  results.forEach((r, i) => {
    const ws = wb.addWorksheet(names[i]);
    ws.addRow([r.title[lang]]).font = { bold: true, size: 14 };
    const status = ws.addRow([`${w.status}: ${w[r.status]}`, `${w.period}: ${r.period.start} – ${r.period.end} (${w.asOf} ${r.period.asOf})`]);
    status.getCell(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FILL[r.status] } };
    status.font = { bold: true };
    for (const v of failingFirst(r.validations)) ws.addRow([`${VALIDATION_NAMES[v.name][lang]}: ${w[v.status]}`, v.message[lang]]);
    for (const n of r.notes) ws.addRow([w.note, n[lang]]);
    ws.addRow([]);
    const headerRow = ws.addRow(r.columns.map((c) => c[lang]));
    headerRow.font = { bold: true };
    const first = headerRow.number + 1;
    const cell = (row: Row, c: (typeof r.columns)[number]) => (r.noData.includes(c.name) ? w.noData : typed(row[c.name], c.type, lang));
    for (const row of r.rows) ws.addRow(r.columns.map((c) => cell(row, c)));
    const last = first + r.rows.length - 1;
    r.columns.forEach((c, i) => {
      if (NUMFMT[c.type]) for (let n = first; n <= last; n++) ws.getCell(n, i + 1).numFmt = NUMFMT[c.type];
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
    fitColumns(ws, headerRow.number);
    ws.views = [{ state: 'frozen', ySplit: headerRow.number }];
    ws.autoFilter = { from: { row: headerRow.number, column: 1 }, to: { row: headerRow.number, column: r.columns.length } };
    printSetup(ws, r.columns.length, headerRow.number, w);
  });
  // Contents: by category, each report linked to its sheet, with its status and the first reason for it.
  contents.addRow([w.report, w.category, w.status, w.why]).font = { bold: true };
  const order = results.map((r, i) => ({ r, i })).sort((a, b) => categoryRank(a.r.category) - categoryRank(b.r.category) || a.i - b.i);
  for (const { r, i } of order) {
    const why = failingFirst(r.validations)[0];
    const row = contents.addRow([
      { text: r.title[lang], hyperlink: `#'${names[i].replaceAll("'", "''")}'!A1` }, CATEGORY_NAMES[r.category]?.[lang] ?? r.category, w[r.status],
      why ? `${VALIDATION_NAMES[why.name][lang]}: ${why.message[lang]}` : '',
    ]);
    row.getCell(1).font = { color: { argb: 'FF0563C1' }, underline: true };
    row.getCell(3).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FILL[r.status] } };
  }
  fitColumns(contents, 1, 6, 80);
  contents.views = [{ state: 'frozen', ySplit: 1 }];
  printSetup(contents, 4, 1, w);
  const vs = wb.addWorksheet(w.allValidations);
  vs.addRow([w.report, w.validation, w.result, w.details]).font = { bold: true };
  for (const r of results) {
    for (const v of r.validations) {
      const row = vs.addRow([r.title[lang], VALIDATION_NAMES[v.name][lang], w[v.status], v.message[lang]]);
      row.getCell(3).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FILL[v.status] } };
    }
  }
  fitColumns(vs, 1, 6, 100);
  vs.views = [{ state: 'frozen', ySplit: 1 }];
  vs.autoFilter = { from: 'A1', to: 'D1' };
  printSetup(vs, 4, 1, w);
  const dq = wb.addWorksheet(w.findingsByRule);
  dq.addRow([w.rule, w.severity, w.source, w.findings]).font = { bold: true };
  for (const q of quality) dq.addRow([q.rule, valueLabel(String(q.severity), lang), q.source, q.findings]);
  fitColumns(dq, 1);
  dq.views = [{ state: 'frozen', ySplit: 1 }];
  printSetup(dq, 4, 1, w);
  await wb.xlsx.writeFile(path);
}

const categoryRank = (c: string) => { const i = Object.keys(CATEGORY_NAMES).indexOf(c); return i < 0 ? 99 : i; };

