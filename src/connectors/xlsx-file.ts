// XLSX (amoCRM, HubSpot, Zoho "Export to Excel") → a UTF-8 CSV, streamed row by row with exceljs.
// The workbook's own parts (the sheet list with hidden states, shared strings, styles, the 1904 date system)
// are read first by random access (unzipper), so the chosen sheet streams with all of them known whatever
// order the ZIP holds its entries in, and only that sheet is read: no temp files, no other sheets parsed.
import ExcelJS from 'exceljs';
import { createWriteStream, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import unzipper, { type CentralDirectory, type Entry } from 'unzipper';
import { CrmqError, ioProblem } from '../errors.js';
import { uniqueHeaders } from '../import/sniff.js';
import { csvLine, type PreparedFile } from './prepared-file.js';

/** exceljs's streaming reader, driven part by part (its own methods, as its sequential parse() calls them). */
interface ReaderParts {
  model?: { sheets?: { name: string; state?: string; rId: string }[] };
  workbookRels?: { Id: string; Target: string }[];
  properties?: { model?: { date1904?: boolean } };
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(entry: Readable, sheetNo: string): Iterable<{ value: AsyncIterable<ExcelJS.Row> }>;
}

const pad = (n: number) => String(n).padStart(2, '0');

function dateText(d: Date): string {
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = d.getUTCHours() || d.getUTCMinutes() || d.getUTCSeconds() ? ` ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` : '';
  return date + time;
}

/** exceljs's test for a date number format (quoted text and [colour]/[locale] parts left out). */
const isDateFormat = (fmt: string | undefined) => !!fmt && /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
const excelDate = (serial: number, date1904: boolean) => new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));

/** A cell's text, or (for a formula without a cached value, or an error) '' and what to keep in extra instead. */
interface CellText {
  text: string;
  kept?: { key: 'formula' | 'error'; text: string };
}

/** exceljs's own shift of a shared formula's references from its first cell to another ("B2" at C2 → "B3" at C3). */
const { slideFormula } = createRequire(import.meta.url)('exceljs/lib/utils/shared-formula.js') as { slideFormula: (formula: string, from: string, to: string) => string };

const unescapeXml = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-f]+|#\d+);/gi, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[e.toLowerCase()]);

/**
 * The formulas of the cells of a shared formula (one formula filled over a range), by address. The file writes the
 * formula once, in the range's first cell (`<f t="shared" ref="C2:C9" si="0">…</f>`), and `<f t="shared" si="0"/>` in
 * the others; exceljs's streaming reader drops that link (the others read as an empty formula). Read only when a
 * sheet has such a cell without a saved value.
 */
async function sharedFormulasOf(entry: Entry): Promise<Map<string, string>> {
  const first = new Map<string, { at: string; formula: string }>();
  const others: [string, string][] = [];
  let tail = '';
  for await (const chunk of entry.stream()) {
    const text = tail + (chunk as Buffer).toString('utf8');
    for (const m of text.matchAll(/<c r="([A-Z]+\d+)"[^>]*>\s*<f ([^>]*?)(?:\/>|>([^<]*)<\/f>)/g)) {
      const attrs = m[2];
      if (!/\bt="shared"/.test(attrs)) continue;
      const si = /\bsi="(\d+)"/.exec(attrs)?.[1];
      if (si === undefined) continue;
      if (m[3] !== undefined && m[3] !== '') first.set(si, { at: m[1], formula: unescapeXml(m[3]) });
      else others.push([m[1], si]);
    }
    // Keep an unfinished cell for the next chunk (a cell is matched again if whole: the maps do not mind).
    const cut = text.lastIndexOf('<c ');
    tail = text.slice(cut >= 0 ? cut : Math.max(0, text.lastIndexOf('<')));
  }
  const out = new Map<string, string>();
  for (const [at, si] of others) {
    const f = first.get(si);
    if (f) out.set(at, `=${slideFormula(f.formula, f.at, at)}`);
  }
  return out;
}

function cellText(cell: ExcelJS.Cell, date1904: boolean): CellText {
  const v = cell.value;
  if (v === null || v === undefined) return { text: '' };
  if (v instanceof Date) return { text: dateText(v) };
  if (typeof v === 'object') {
    if ('richText' in v) return { text: v.richText.map((r) => r.text).join('') };
    if ('formula' in v || 'sharedFormula' in v) {
      const f = v as ExcelJS.CellFormulaValue;
      const formula = `=${f.formula ?? ''}`;
      const result = f.result as unknown;
      // No cached value (a file written by a program, never opened in Excel): the value is unknown, not the formula's text.
      if (result === undefined || result === null) return { text: '', kept: { key: 'formula', text: formula } };
      if (typeof result === 'number' && Number.isNaN(result)) return { text: '', kept: { key: 'error', text: formula } };
      if (typeof result === 'object' && 'error' in (result as object)) return { text: '', kept: { key: 'error', text: String((result as { error: string }).error) } };
      if (typeof result === 'number' && isDateFormat(cell.numFmt)) return { text: dateText(excelDate(result, date1904)) };
      if (result instanceof Date) return { text: dateText(result) };
      return { text: String(result) };
    }
    if ('error' in v) return { text: '', kept: { key: 'error', text: String((v as ExcelJS.CellErrorValue).error) } };
    if ('text' in v) return { text: String((v as ExcelJS.CellHyperlinkValue).text) };
    return { text: JSON.stringify(v) };
  }
  return { text: String(v) };
}

/** Column letters → 1-based index ("AB" → 28). */
const colIndex = (letters: string) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);

interface Merge {
  ref: string;
  r1: number;
  c1: number;
  r2: number;
  c2: number;
  value?: string;
}

/** The sheet's merged ranges (`<mergeCell ref="A2:A4"/>`, after the rows in the sheet XML). */
async function mergesOf(entry: Entry): Promise<Merge[]> {
  const out: Merge[] = [];
  let tail = '';
  for await (const chunk of entry.stream()) {
    const text = tail + (chunk as Buffer).toString('utf8');
    for (const m of text.matchAll(/<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"/g)) {
      out.push({ ref: `${m[1]}${m[2]}:${m[3]}${m[4]}`, c1: colIndex(m[1]), r1: Number(m[2]), c2: colIndex(m[3]), r2: Number(m[4]) });
    }
    const cut = text.lastIndexOf('<');
    tail = cut >= 0 ? text.slice(cut) : '';
  }
  return out;
}

const entryAt = (dir: CentralDirectory, path: string) => dir.files.find((f) => f.path === path.replace(/^\//, ''));

export async function prepareXlsx(file: string, tmpDir: string, opts: { sheet?: string }): Promise<PreparedFile> {
  const csvPath = join(tmpDir, 'sheet.csv');
  const fail = (why: string) => new CrmqError(`${file}: not a readable XLSX workbook (${why})`);
  let dir: CentralDirectory;
  try {
    dir = await unzipper.Open.file(file);
  } catch (err) {
    throw fail((err as Error).message.split('\n')[0]);
  }
  const wbEntry = entryAt(dir, 'xl/workbook.xml');
  const relsEntry = entryAt(dir, 'xl/_rels/workbook.xml.rels');
  if (!wbEntry || !relsEntry) throw fail('no xl/workbook.xml: a ZIP file, but not a workbook');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit', hyperlinks: 'ignore', entries: 'ignore' }) as unknown as ReaderParts;
  const rejects: PreparedFile['rejects'] = [];
  const kept: NonNullable<PreparedFile['extraCells']> = [];
  const notes: string[] = [];
  const out = createWriteStream(csvPath);
  let writeError: Error | undefined;
  out.on('error', (e) => (writeError ??= e));
  const cannotWrite = (err: Error) => {
    const io = ioProblem(err);
    return new CrmqError(`${file}: cannot write the sheet as CSV in ${tmpDir}${io ? `: ${io}` : ''} (${err.message.split('\n')[0]}); set TMPDIR to a folder with room`);
  };
  let header: string[] | undefined;
  try {
    await reader._parseRels(relsEntry.stream());
    await reader._parseWorkbook(wbEntry.stream());
    const strings = entryAt(dir, 'xl/sharedStrings.xml');
    if (strings) for await (const _ of reader._parseSharedStrings(strings.stream())) void _;
    const styles = entryAt(dir, 'xl/styles.xml');
    if (styles) await reader._parseStyles(styles.stream());
    const date1904 = !!reader.properties?.model?.date1904;
    const sheets = reader.model?.sheets ?? [];
    const visible = sheets.filter((s) => !s.state || s.state === 'visible');
    const sheet = opts.sheet ? sheets.find((s) => s.name === opts.sheet) : visible[0];
    if (!sheet) {
      throw new CrmqError(
        `${file}: ${opts.sheet ? `no sheet named "${opts.sheet}" (sheets: ${sheets.map((s) => s.name).join(', ')})` : sheets.length ? 'every sheet is hidden; name one with --sheet' : 'the workbook has no sheets'}`,
      );
    }
    if (!opts.sheet && sheets[0] !== sheet) notes.push(`read sheet "${sheet.name}", the first visible one (hidden: ${sheets.slice(0, sheets.indexOf(sheet)).map((s) => s.name).join(', ')})`);
    const target = reader.workbookRels?.find((r) => r.Id === sheet.rId)?.Target ?? '';
    const sheetEntry = entryAt(dir, target.startsWith('/') ? target : `xl/${target}`);
    if (!sheetEntry) throw fail(`sheet "${sheet.name}" has no part ${target}`);
    const merges = await mergesOf(sheetEntry);
    const [{ value: rows }] = [...reader._parseWorksheet(sheetEntry.stream(), '0')];

    let width = 0;
    const keptBy = new Map<string, number[]>();
    /** Formula cells without a saved value whose formula the streaming reader lost (a shared formula's other cells). */
    const unshared: { kept: number; at: string }[] = [];
    for await (const row of rows) {
      const cells: string[] = [];
      const rowKept: { col: number; key: string; text: string; at: string }[] = [];
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        const t = cellText(cell, date1904);
        cells[col - 1] = t.text;
        if (t.kept) rowKept.push({ col, key: t.kept.key, text: t.kept.text, at: cell.address });
      });
      // A merged range shows its first cell's value in all of its cells: fill them (and say so below).
      for (const m of merges) {
        if (row.number < m.r1 || row.number > m.r2) continue;
        if (row.number === m.r1) m.value = cells[m.c1 - 1] ?? '';
        for (let c = m.c1; c <= m.c2; c++) if (!(row.number === m.r1 && c === m.c1) && !cells[c - 1]) cells[c - 1] = m.value ?? '';
      }
      // Blank rows (spreadsheets keep them for layout, or a stray format at row 1,048,576) are not records.
      if (!cells.some((c) => c && c.trim() !== '') && rowKept.length === 0) continue;
      if (!header) {
        header = uniqueHeaders(Array.from({ length: cells.length }, (_, i) => (cells[i] ?? '').trim()));
        width = header.length;
        out.write(csvLine(['__line', ...header]));
        continue;
      }
      const past = cells.findIndex((c, i) => i >= width && c && c.trim() !== '');
      if (past >= 0) {
        rejects.push({ line: row.number, reason: `a value in column ${past + 1}, past the header's last column (${width})`, raw: cells.map((c) => c ?? '').join(',') });
        continue;
      }
      for (const k of rowKept) {
        const name = header[k.col - 1] ?? `column ${k.col}`;
        if (k.key === 'formula' && k.text === '=') unshared.push({ kept: kept.length, at: k.at });
        kept.push({ line: row.number, key: `${k.key}.${name}`, text: k.text });
        keptBy.set(`${k.key}\u0000${name}`, [...(keptBy.get(`${k.key}\u0000${name}`) ?? []), row.number]);
      }
      if (!out.write(csvLine([String(row.number), ...Array.from({ length: width }, (_, i) => cells[i] ?? '')]))) await once(out, 'drain');
    }
    if (unshared.length) {
      const shared = await sharedFormulasOf(sheetEntry);
      for (const u of unshared) kept[u.kept].text = shared.get(u.at) ?? kept[u.kept].text;
    }
    for (const [key, lines] of keptBy) {
      const [what, column] = key.split('\u0000');
      const where = `${column}, row${lines.length === 1 ? '' : 's'} ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', …' : ''}`;
      notes.push(
        what === 'formula'
          ? `${lines.length} formula cell${lines.length === 1 ? '' : 's'} without a saved value (${where}): left empty, the formula kept in extra as "formula.${column}" (open and save the file in Excel to store the values)`
          : `${lines.length} error cell${lines.length === 1 ? '' : 's'} (${where}): left empty, the error kept in extra as "error.${column}"`,
      );
    }
    const filled = merges.filter((m) => m.r2 > m.r1 || m.c2 > m.c1);
    if (filled.length) notes.push(`merged cells filled from their first cell: ${filled.slice(0, 5).map((m) => m.ref).join(', ')}${filled.length > 5 ? ` +${filled.length - 5}` : ''}`);
  } catch (err) {
    out.destroy();
    rmSync(csvPath, { force: true });
    if (err instanceof CrmqError) throw err;
    if (writeError || ioProblem(err)) throw cannotWrite(writeError ?? (err as Error));
    throw fail((err as Error).message.split('\n')[0]);
  }
  out.end();
  if (!writeError) await once(out, 'finish').catch((e: Error) => (writeError ??= e));
  if (writeError) {
    rmSync(csvPath, { force: true });
    throw cannotWrite(writeError);
  }
  if (!header) {
    rmSync(csvPath, { force: true });
    throw new CrmqError(`${file}: the sheet is empty`);
  }
  return {
    csvPath, kind: 'xlsx', encoding: 'xlsx', delimiter: ',', header, phantomColumns: 0, rejects, notes, extraCells: kept, lineColumn: true,
    cleanup: () => rmSync(csvPath, { force: true }),
  };
}
