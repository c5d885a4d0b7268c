/** A source file turned into a UTF-8 CSV that DuckDB's reader can load in bulk. */
export interface PreparedFile {
  /** UTF-8 CSV to read (the original when it already was one). */
  csvPath: string;
  kind: 'csv' | 'xlsx' | 'json';
  encoding: string;
  /** The user named the encoding (--encoding): never second-guessed. */
  encodingForced?: boolean;
  delimiter: string;
  /** Unique, trimmed header names, one per column DuckDB will see. */
  header: string[];
  /** Header lines before the first record: 1, or 0 for a header-less file (`--no-header`). */
  headerRows?: 0 | 1;
  /** Columns that exist only because every line ends with a delimiter. */
  phantomColumns: number;
  /** Hints from the file's shape (JSON API exports name their CRM and entity). */
  presetHint?: string;
  entityHint?: string;
  /** Columns whose cells are JSON (API arrays kept whole): `extra` stores them as JSON, not as text. */
  jsonColumns?: string[];
  /** Rows the converter itself could not take (XLSX/JSON), with line and reason. */
  rejects: { line: number; reason: string; raw: string }[];
  /** What the import should tell the user about the file (lines read another way, cells kept raw). */
  notes?: string[];
  /** Cell values the converter could not give (formulas without a saved value, errors): merged into each row's extra. */
  extraCells?: { line: number; key: string; text: string }[];
  /** The CSV's first column, `__line`, holds each record's line in the source (a spreadsheet's row number). */
  lineColumn?: boolean;
  /** The file ends with a DOS end-of-file mark (Ctrl-Z): not a row. */
  dosEof?: boolean;
  cleanup(): void;
}

/** RFC 4180 quoting for the CSV files crmq writes for DuckDB. */
export const csvCell = (v: string): string => `"${v.replaceAll('"', '""')}"`;
export const csvLine = (cells: string[]): string => `${cells.map(csvCell).join(',')}\n`;
