// Reports as one XLSX workbook (exceljs): a Contents sheet first (each report with its category, status, why, and a
// link to its sheet), then a sheet per report whose first rows carry the status, caveats and notes, typed cells with
// number, currency and date formats (years and text as text), "no data" where an input has none, a frozen header, an
// autofilter, Total rows (values) that add up only what sums, per currency and `total_by`; then a sheet of all
// validations and one of findings by rule. Columns are as wide as their content; every sheet prints fitted to the
// page's width, in the orientation that takes fewer pages, with its header repeated.
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

/**
 * Long text in column `col` of a row wrapped within the columns `col`..`to` (merged when more than one) instead of
 * running on to the right (which also made LibreOffice print the whole sheet smaller to fit that text in), the row as
 * tall as its lines (rows of merged or wrapped cells are not made taller by Excel itself).
 */
function wrapText(ws: ExcelJS.Worksheet, rowNumber: number, col: number, to: number): void {
  const cell = ws.getCell(rowNumber, col);
  const text = typeof cell.value === 'string' ? cell.value : '';
  let width = 0;
  for (let c = col; c <= to; c++) width += ws.getColumn(c).width ?? 9;
  if (text.length <= width) return;
  if (to > col) ws.mergeCells(rowNumber, col, rowNumber, to);
  cell.alignment = { wrapText: true, vertical: 'top' };
  ws.getRow(rowNumber).height = 15 * Math.ceil((text.length * 1.1) / width);
}

const numberText = (v: number, fmt: string | undefined) =>
  fmt === '0.0%' ? `${(v * 100).toFixed(1)}%` : v.toLocaleString('en-US', { minimumFractionDigits: fmt === '#,##0.00' ? 2 : 0, maximumFractionDigits: 2 });

/** A4's printable area in points with the margins below (and a footer line), by orientation. */
const A4 = { portrait: { width: 537, height: 750 }, landscape: { width: 784, height: 503 } } as const;
/** A column-width unit as LibreOffice prints it, in points (Excel's, with Calibri, is about 5.3: it prints no smaller). */
const UNIT_PT = 6.6;
/** Printed smaller than this (11-pt text at 7.7 pt) is too small to read: a page is saved only down to it. */
export const MIN_SCALE = 0.7;

/**
 * How a sheet prints: fitted to the page's width, in the orientation that prints it readably (at 70% or more) in the
 * fewest pages (on a tie, the larger); fitted to fewer pages down when shrinking to no less than 70% saves one (the
 * 57-row income sheet on one page, not two). Estimated from the column widths and the rows' heights (15 pt unless set).
 */
export function pageLayout(widths: number[], heightPt: number): { orientation: 'portrait' | 'landscape'; fitToHeight: number; scale: number } {
  const widthPt = widths.reduce((sum, w) => sum + w * UNIT_PT + 4, 0);
  const options = (['portrait', 'landscape'] as const).map((orientation) => {
    const fit = Math.min(1, A4[orientation].width / widthPt);
    const pages = (scale: number) => Math.max(1, Math.ceil((heightPt * scale) / A4[orientation].height));
    const fewest = pages(Math.min(fit, MIN_SCALE));
    const tall = fewest < pages(fit) ? fewest : 0;
    const scale = tall ? Math.min(fit, (tall * A4[orientation].height) / heightPt) : fit;
    return { orientation, fitToHeight: tall, pages: fewest, scale };
  });
  const readable = (o: { scale: number }) => (o.scale >= MIN_SCALE - 1e-9 ? 0 : 1);
  const [best] = options.sort((a, b) => readable(a) - readable(b) || a.pages - b.pages || b.scale - a.scale);
  return { orientation: best.orientation, fitToHeight: best.fitToHeight, scale: best.scale };
}

/** A4, fitted to the page's width (pageLayout), the header on every page, "Page n of N" in the footer. */
function printSetup(ws: ExcelJS.Worksheet, headerRow: number, w: (typeof WORDS)[Lang]): void {
  const widths = (ws.columns ?? []).map((c) => c.width ?? 9);
  let height = 0;
  for (let n = 1; n <= ws.rowCount; n++) height += ws.getRow(n).height ?? 15;
  const { orientation, fitToHeight } = pageLayout(widths, height);
  ws.pageSetup = {
    paperSize: 9, orientation, fitToPage: true, fitToWidth: 1, fitToHeight,
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
    // The period, caveats and notes above the table: wrapped within the table's width.
    for (let n = 2; n < headerRow.number - 1; n++) wrapText(ws, n, 2, Math.max(2, r.columns.length));
    ws.views = [{ state: 'frozen', ySplit: headerRow.number }];
    ws.autoFilter = { from: { row: headerRow.number, column: 1 }, to: { row: headerRow.number, column: r.columns.length } };
    printSetup(ws, headerRow.number, w);
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
  contents.eachRow((_, n) => n > 1 && wrapText(contents, n, 4, 4));
  contents.views = [{ state: 'frozen', ySplit: 1 }];
  printSetup(contents, 1, w);
  const vs = wb.addWorksheet(w.allValidations);
  vs.addRow([w.report, w.validation, w.result, w.details]).font = { bold: true };
  for (const r of results) {
    for (const v of r.validations) {
      const row = vs.addRow([r.title[lang], VALIDATION_NAMES[v.name][lang], w[v.status], v.message[lang]]);
      row.getCell(3).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FILL[v.status] } };
    }
  }
  fitColumns(vs, 1, 6, 80);
  vs.eachRow((_, n) => n > 1 && wrapText(vs, n, 4, 4));
  vs.views = [{ state: 'frozen', ySplit: 1 }];
  vs.autoFilter = { from: 'A1', to: 'D1' };
  printSetup(vs, 1, w);
  const dq = wb.addWorksheet(w.findingsByRule);
  dq.addRow([w.rule, w.severity, w.source, w.findings]).font = { bold: true };
  for (const q of quality) dq.addRow([q.rule, valueLabel(String(q.severity), lang), q.source, q.findings]);
  fitColumns(dq, 1);
  dq.views = [{ state: 'frozen', ySplit: 1 }];
  printSetup(dq, 1, w);
  await wb.xlsx.writeFile(path);
}

const categoryRank = (c: string) => { const i = Object.keys(CATEGORY_NAMES).indexOf(c); return i < 0 ? 99 : i; };

