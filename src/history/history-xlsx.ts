// The history as an XLSX workbook: a Charts sheet (the same Vega-Lite charts as PNG images), then Imports, Check runs,
// Findings by rule and Findings, each with a frozen header and an autofilter.
import { Resvg } from '@resvg/resvg-js';
import ExcelJS from 'exceljs';
import type { Chart } from './history-charts.js';
import type { History } from './history.js';

function sheet(wb: ExcelJS.Workbook, name: string, rows: Record<string, unknown>[]): void {
  const ws = wb.addWorksheet(name);
  if (!rows.length) {
    ws.addRow(['None.']);
    return;
  }
  const cols = Object.keys(rows[0]);
  ws.addRow(cols).font = { bold: true };
  for (const r of rows) ws.addRow(cols.map((c) => (r[c] !== null && typeof r[c] === 'object' ? JSON.stringify(r[c]) : (r[c] as ExcelJS.CellValue))));
  cols.forEach((c, i) => (ws.getColumn(i + 1).width = Math.min(60, Math.max(c.length + 2, ...rows.map((r) => String(r[c] ?? '').length + 2)))));
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
}

export async function historyXlsx(h: History, charts: Chart[], path: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'crmq';
  const cs = wb.addWorksheet('Charts');
  let row = 0;
  for (const c of charts) {
    const png = new Resvg(c.svg, { fitTo: { mode: 'width', value: 800 }, font: { loadSystemFonts: true } }).render();
    const id = wb.addImage({ buffer: Buffer.from(png.asPng()) as unknown as ExcelJS.Buffer, extension: 'png' });
    cs.addImage(id, { tl: { col: 0, row }, ext: { width: png.width, height: png.height } });
    row += Math.ceil(png.height / 20) + 1;
  }
  if (!charts.length) cs.addRow(['No imports or check runs yet.']);
  const fields = [...new Set(h.imports.flatMap((i) => Object.keys(i.fields)))].sort();
  sheet(wb, 'Imports', h.imports.map(({ fields: f, ...i }) => ({ ...i, ...Object.fromEntries(fields.map((x) => [`fill % ${x}`, f[x] ?? null])) })));
  sheet(wb, 'Check runs', h.runs.map((r) => ({ ...r })));
  sheet(wb, 'Findings by rule', h.rules.map((r) => ({ ...r })));
  sheet(wb, 'Findings', h.findings.map((f) => ({ ...f })));
  await wb.xlsx.writeFile(path);
}
