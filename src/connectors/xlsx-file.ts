// XLSX (amoCRM, HubSpot, Zoho "Export to Excel") → a UTF-8 CSV, streamed row by row with exceljs.
import ExcelJS from 'exceljs';
import { createWriteStream, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { CrmqError } from '../errors.js';
import { uniqueHeaders } from '../import/sniff.js';
import { csvLine, type PreparedFile } from './prepared-file.js';

const pad = (n: number) => String(n).padStart(2, '0');

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    const d = v;
    const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const time = d.getUTCHours() || d.getUTCMinutes() || d.getUTCSeconds() ? ` ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` : '';
    return date + time;
  }
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('text' in v) return String((v as ExcelJS.CellHyperlinkValue).text);
    if ('error' in v) return '';
    return JSON.stringify(v);
  }
  return String(v);
}

export async function prepareXlsx(file: string, tmpDir: string, opts: { sheet?: string }): Promise<PreparedFile> {
  const csvPath = join(tmpDir, 'sheet.csv');
  const out = createWriteStream(csvPath);
  let header: string[] | undefined;
  let width = 0;
  let found = false;
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit', hyperlinks: 'ignore', entries: 'ignore' });
    for await (const sheet of reader) {
      const name = (sheet as unknown as { name: string }).name;
      if (found || (opts.sheet && name !== opts.sheet)) {
        for await (const _row of sheet) void _row; // drain
        continue;
      }
      found = true;
      let expected = 1;
      for await (const row of sheet) {
        const values = (row.values as ExcelJS.CellValue[]).slice(1);
        if (!header) {
          header = uniqueHeaders(values.map((v) => cellText(v).trim()));
          width = header.length;
          out.write(csvLine(header));
          expected = row.number + 1;
          continue;
        }
        // Keep spreadsheet row numbers: blank rows become blank CSV records (skipped by the loader).
        for (; expected < row.number; expected++) out.write(csvLine(new Array(width).fill('')));
        expected = row.number + 1;
        const cells = Array.from({ length: Math.max(width, values.length) }, (_, i) => cellText(values[i]));
        out.write(csvLine(cells.slice(0, Math.max(width, cells.length))));
      }
    }
  } catch (err) {
    out.destroy();
    rmSync(csvPath, { force: true });
    if (err instanceof CrmqError) throw err;
    throw new CrmqError(`${file}: not a readable XLSX workbook (${(err as Error).message.split('\n')[0]})`);
  }
  out.end();
  await once(out, 'finish');
  if (!found) throw new CrmqError(`${file}: ${opts.sheet ? `no sheet named "${opts.sheet}"` : 'the workbook has no sheets'}`);
  if (!header) throw new CrmqError(`${file}: the sheet is empty`);
  return {
    csvPath, kind: 'xlsx', encoding: 'xlsx', delimiter: ',', header, phantomColumns: 0, rejects: [],
    cleanup: () => rmSync(csvPath, { force: true }),
  };
}
