// Finds a CSV's delimiter and header from a sample of its first bytes.
import { parse } from 'csv-parse/sync';
import { CrmqError } from '../errors.js';

export const DELIMITERS = [',', ';', '\t', '|'] as const;

export interface Dialect {
  delimiter: string;
  /** Header names as they appear, trimmed. */
  header: string[];
  /** Every line ends with the delimiter (Bitrix24): the last, empty column is dropped. */
  trailingDelimiter: boolean;
  newline: '\n' | '\r\n' | '\r';
}

/** Parses the first records of a sample; a broken record (an unclosed quote) only shortens the sample. */
function parseSample(text: string, delimiter: string): string[][] | null {
  const lines = text.split('\n');
  for (const n of [lines.length, 20, 5, 1]) {
    try {
      const rows = parse(lines.slice(0, n).join('\n'), { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, to: 50 }) as string[][];
      if (rows.length) return rows;
    } catch {
      // try a shorter sample
    }
  }
  return null;
}

/** Cuts a sample at its last complete line so a half-read record does not skew the counts. */
function completeLines(sample: string): string {
  const cut = sample.lastIndexOf('\n');
  return cut > 0 ? sample.slice(0, cut + 1) : sample;
}

export function sniffDialect(sample: string, file: string, forced?: string): Dialect {
  const text = completeLines(sample.replace(/^\uFEFF/, ''));
  if (!text.trim()) throw new CrmqError(`${file}: the file is empty`);
  const newline = text.includes('\r\n') ? '\r\n' : text.includes('\n') ? '\n' : text.includes('\r') ? '\r' : '\n';
  let best: { delimiter: string; rows: string[][]; score: number } | null = null;
  for (const delimiter of forced ? [forced] : DELIMITERS) {
    const rows = parseSample(text, delimiter);
    if (!rows || rows.length === 0) continue;
    const width = rows[0].length;
    if (width < 2 && !forced) continue;
    const consistent = rows.filter((r) => r.length === width).length / rows.length;
    const score = consistent * Math.log2(width + 1);
    if (!best || score > best.score) best = { delimiter, rows, score };
  }
  if (!best) {
    // A single-column file is still a CSV; use comma.
    const rows = parseSample(text, ',');
    if (!rows?.length) throw new CrmqError(`${file}: cannot find a header row`);
    best = { delimiter: ',', rows, score: 0 };
  }
  const raw = best.rows[0].map((h) => h.replace(/^\uFEFF/, '').trim());
  const dataRows = best.rows.slice(1);
  // Rows that end with a delimiter the header line lacks: one more, always empty, column.
  if (dataRows.length > 0 && dataRows.every((r) => r.length === raw.length + 1 && r[r.length - 1].trim() === '')) raw.push('');
  const trailingDelimiter =
    raw.length > 1 && raw[raw.length - 1] === '' && dataRows.every((r) => r.length === raw.length && r[r.length - 1].trim() === '');
  return { delimiter: best.delimiter, header: raw, trailingDelimiter, newline };
}

/** Makes header names unique and non-empty: a second `Источник` becomes `Источник (2)`. */
export function uniqueHeaders(header: string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((h, i) => {
    const base = h || `column ${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}

/** Cells that only a record would hold: e-mails, dates, phone numbers, numbers, ids such as "rec-12-org". */
const VALUE_LIKE = [
  /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  /^\d{4}-\d{1,2}-\d{1,2}([ T].*)?$/, /^\d{1,2}[./]\d{1,2}[./]\d{2,4}$/, /^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/,
  /^\+?[\d\s()-]{7,}$/, /^-?\d+([.,]\d+)?$/, /^[a-z]+-\d+(-[a-z0-9]+)*$/i,
];

/** The cells of a header row that look like data; a header with any of them may well be the file's first record. */
export function headerLooksLikeData(header: string[]): string[] {
  const cells = header.map((h) => h.trim()).filter((h) => h && !h.startsWith('__trailing_'));
  const hits = cells.filter((h) => VALUE_LIKE.some((re) => re.test(h)));
  // One number alone can be a real column name ("2024"); an e-mail, a date or two value-like cells cannot.
  const strong = hits.some((h) => !/^-?\d+([.,]\d+)?$/.test(h));
  return strong || hits.length >= 2 ? hits : [];
}
