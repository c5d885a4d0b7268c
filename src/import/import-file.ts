// Loads one export file into the canonical model in a single transaction:
// prepare (encoding, dialect, XLSX/JSON → CSV) → stage with DuckDB's bulk reader → profile formats →
// reject bad rows → insert canonical rows with lineage → record the import. Every row read is loaded or rejected.
import { parse as parseCsv } from 'csv-parse/sync';
import { existsSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { notUtf8Error, prepareCsv } from '../connectors/csv-file.js';
import { prepareJson } from '../connectors/json-file.js';
import type { PreparedFile } from '../connectors/prepared-file.js';
import type { Db } from '../db/database.js';
import { ident, lit, sqlTimestamp } from '../db/sql.js';
import { CrmqError, ioProblem, WriteError } from '../errors.js';
import { makeTempDir } from '../temp-dir.js';
import { fileLineCensus, scanFile, utf8Wins } from './encoding.js';
import type { EntityName } from '../model/tables.js';
import { buildCanonicalSelect } from './canonical-select.js';
import { profileImport } from './import-profile.js';
import { plan } from './plan.js';
import { headerLooksLikeData } from './sniff.js';

export interface ImportOptions {
  file: string;
  source: string;
  preset?: string;
  entity?: string;
  mapping?: string;
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  /** The file has no header row: its first line is a record (CSV/text only). */
  noHeader?: boolean;
  /** Names for the columns of a header-less file, in order (implies noHeader). */
  columns?: string[];
  currency?: string;
  replace?: boolean;
  /** Load even when the chosen layout does not fit the file (the import guard, guard.ts). */
  force?: boolean;
  /** Fail the whole import when more than this share of rows is rejected (0..1). */
  maxRejectShare?: number;
  /** Told what the import is doing now (for a progress display). */
  onPhase?: (label: string, total?: number, unit?: string) => void;
  /**
   * Records already turned into a CSV (API pages from `crmq pull`): `file` is then only the label kept in
   * `imports.file`, `sha256` the digest of the page bodies, and an identical earlier import is not skipped.
   */
  prepared?: { file: PreparedFile; sha256: string };
  /** Runs inside the import's transaction after the rows are in (the pull's checkpoint): a throw undoes the import. */
  beforeCommit?: (result: ImportResult) => Promise<void>;
  /** Profile the import for drift checks and history (default true; the benchmark measures it against false). */
  profile?: boolean;
}

export interface ImportResult {
  status: 'imported' | 'unchanged';
  importId: number;
  file: string;
  source: string;
  preset: string;
  entity: EntityName;
  encoding: string;
  delimiter: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  rowsReplaced: number;
  /** Header → canonical field. */
  mapped: Record<string, string>;
  /** Headers kept only in `extra`. */
  unmapped: string[];
  /** Format decisions per column ("DD.MM.YYYY", "decimal comma"). */
  formats: Record<string, string>;
  /** Non-empty cells that did not parse, per field (their raw text is kept in `extra`). */
  unparsed: Record<string, number>;
  rejectSample: { line: number; reason: string }[];
  /** Short rows padded with empty trailing fields. */
  padded: number;
  /** What else the user should know about the file: lines read as UTF-8 in a Windows-1251 file, formulas without a value. */
  notes: string[];
  /** The header row looks like a record (values such as e-mails, dates, numbers): the file may have no header. */
  headerWarning?: string;
}

export const DEFAULT_MAX_REJECT_SHARE = 0.5;

/** The file turned out not to be UTF-8 past the sampled head: the caller retries as Windows-1251. */
class NotUtf8 extends Error {}

const INVALID_UTF8 = 'not valid UTF-8: a byte here is not part of any character (the rest of the file is UTF-8); fix the row or save the file again as UTF-8';

/** Values the converter kept aside (a formula without a saved value) go into their row's extra, by line. */
async function mergeExtraCells(db: Db, entity: string, importId: number, cells: NonNullable<PreparedFile['extraCells']>, stage: string): Promise<void> {
  const byLine = new Map<number, Record<string, string>>();
  for (const c of cells) byLine.set(c.line, { ...byLine.get(c.line), [c.key]: c.text });
  await db.run(`CREATE TEMP TABLE ${stage}_kept (line BIGINT, j JSON)`);
  const values = [...byLine].map(([line, o]) => `(${line}, ${lit(JSON.stringify(o))})`);
  for (let i = 0; i < values.length; i += 1000) await db.run(`INSERT INTO ${stage}_kept VALUES ${values.slice(i, i + 1000).join(', ')}`);
  await db.run(`UPDATE ${entity} AS e SET extra = json_merge_patch(coalesce(e.extra, '{}'), k.j) FROM ${stage}_kept k WHERE e.import_id = ${importId} AND e.source_line = k.line`);
}

/** Ctrl-Z (0x1A) at the end of a file marks the end of a DOS text file: not a row, and not part of the last value. */
async function dropDosEof(db: Db, stage: string, cols: string[], rejTable: string): Promise<void> {
  await db.run(`DELETE FROM ${rejTable} WHERE line = (SELECT max(line) FROM ${rejTable}) AND trim(csv_line, chr(26) || chr(13) || chr(10) || ' ') = ''`);
  const last = `(SELECT max(ordinality) FROM ${stage})`;
  await db.run(`DELETE FROM ${stage} WHERE ordinality = ${last} AND concat(${cols.map((c) => ident(c)).join(', ')}) = chr(26)`);
  await db.run(`UPDATE ${stage} SET ${cols.map((c) => `${ident(c)} = rtrim(${ident(c)}, chr(26))`).join(', ')} WHERE ordinality = ${last}`);
}

export async function prepare(file: string, tmp: string, opts: Pick<ImportOptions, "sheet" | "encoding" | "delimiter" | "noHeader" | "columns">): Promise<PreparedFile> {
  const ext = extname(file).toLowerCase();
  if ((opts.noHeader || opts.columns) && (ext === '.xlsx' || ext === '.xlsm' || ext === '.json')) {
    throw new CrmqError(`${file}: --no-header and --columns are for CSV/text files; an ${ext} file names its columns itself`);
  }
  // exceljs takes 0.4 s to load: only when a workbook is imported.
  if (ext === '.xlsx' || ext === '.xlsm') return (await import('../connectors/xlsx-file.js')).prepareXlsx(file, tmp, { sheet: opts.sheet });
  if (ext === '.xls') throw new CrmqError(`${file}: legacy .xls is not supported; save it as .xlsx or CSV`);
  if (ext === '.json') return prepareJson(file, tmp);
  return prepareCsv(file, tmp, { encoding: opts.encoding, delimiter: opts.delimiter, noHeader: opts.noHeader, columns: opts.columns });
}

/**
 * Rows the reader parsed but crmq cannot load: a value past the header's last column, an empty row,
 * an empty id, a repeated id (the first occurrence is kept). Written to `<stage>_rej`; returns how many.
 */
async function findRowRejects(db: Db, stage: string, cols: string[], header: string[], idColumn: string | undefined, line: string): Promise<number> {
  const dataCols = cols.filter((_, i) => !header[i].startsWith('__trailing_'));
  const phantom = cols.filter((_, i) => header[i].startsWith('__trailing_'));
  // The row's cells joined once (a column of the scan): a NUL or Ctrl-Z anywhere, or nothing but spaces. One concat, not
  // one term per column (coalesce of 5,000 nullif(trim()) terms plans in time that grows faster than the number of columns).
  const joined = 'crmq_joined';
  const id = idColumn ? `trim(${ident(idColumn)})` : undefined;
  const idLabel = idColumn ? header[cols.indexOf(idColumn)] : '';
  const simple = [
    ...phantom.map((c) => [`nullif(trim(${ident(c)}), '') IS NOT NULL`, `'more fields than the header has columns'`]),
    [`contains(${joined}, chr(0))`, `'a NUL byte (0x00) in a value: a damaged export?'`],
    // A DOS end-of-file mark before the end (the one at the end is dropped above): a line of its own or inside a value.
    [`contains(${joined}, chr(26))`, `'a Ctrl-Z (0x1A) inside the file: a DOS end-of-file mark, or a damaged export?'`],
    [`trim(${joined}) = ''`, `'empty row'`],
    ...(id ? [[`nullif(${id}, '') IS NULL`, lit(`empty ${idLabel}`)]] : []),
  ];
  // Each row's first reason, computed once; the rejects and the duplicate-id check read this narrow table.
  await db.run(`CREATE TEMP TABLE ${stage}_why AS
    SELECT s.ordinality, ${line} AS line, CASE ${simple.map(([cond, reason]) => `WHEN ${cond} THEN ${reason}`).join(' ')} END AS reason${id ? `, ${id} AS k` : ''}
    FROM (SELECT *, concat(${dataCols.map((c) => ident(c)).join(', ')}) AS ${joined} FROM ${stage}) s`);
  await db.run(`CREATE TEMP TABLE ${stage}_rej AS SELECT ordinality, line, reason FROM ${stage}_why WHERE reason IS NOT NULL`);
  if (id) {
    // Repeated ids: find the keys with a cheap aggregate, rank only their rows.
    await db.run(`INSERT INTO ${stage}_rej
      SELECT ordinality, line, ${lit(`duplicate ${idLabel} `)} || k || ' (first at row ' || first_line || ')' FROM (
        SELECT ordinality, line, k, row_number() OVER (PARTITION BY k ORDER BY line) AS rn, first_value(line) OVER (PARTITION BY k ORDER BY line) AS first_line
        FROM ${stage}_why
        WHERE reason IS NULL AND k IN (SELECT k FROM ${stage}_why WHERE reason IS NULL GROUP BY 1 HAVING count(*) > 1)
      ) WHERE rn > 1`);
  }
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${stage}_rej`);
  return n;
}

let runCounter = 0;

/** --source names where rows came from (lineage): a short name, checked the same for imports and pulls. */
export function checkSource(source: string | undefined): void {
  if (!source || !/^[\p{L}\p{N}_.\-]+$/u.test(source)) {
    throw new CrmqError(`--source: "${source ?? ''}" must be a short name of letters, digits, '-', '_' or '.' (e.g. hubspot-eu)`);
  }
}

async function importOnce(db: Db, opts: ImportOptions): Promise<ImportResult> {
  const file = opts.file;
  checkSource(opts.source);
  const given = opts.prepared;
  if (!given) {
    if (!existsSync(file)) throw new CrmqError(`${file}: no such file`);
    if (!statSync(file).isFile()) throw new CrmqError(`${file}: not a file`);
  }
  const started = new Date();
  // Hash and UTF-8 check run in one pass over the file while DuckDB loads it.
  const scan = given
    ? Promise.resolve({ sha256: given.sha256, utf8: true })
    : scanFile(file).catch((e: Error) => {
        throw new CrmqError(`${file}: cannot read (${e.message.split('\n')[0]})`);
      });
  scan.catch(() => {});
  const tmpDir = makeTempDir();
  const tmp = tmpDir.path;
  let pf: PreparedFile | undefined;
  try {
    const f = (pf = given ? given.file : await prepare(file, tmp, opts));
    const cols = f.header.map((_, i) => `c${i + 1}`);
    const p = plan(f.header, cols, f, opts);
    const headerRows = f.headerRows ?? 1;
    const suspicious = headerRows && f.kind !== 'json' ? headerLooksLikeData(f.header) : [];
    const headerWarning = suspicious.length
      ? `the header row looks like a record (${suspicious.slice(0, 3).map((v) => `"${v}"`).join(', ')}); if the file has no header, import it again with --no-header [--columns a,b,…] --replace`
      : undefined;
    const entity = p.map.entity;
    const base = {
      file: given ? file : resolve(file), source: opts.source, preset: p.presetId, entity, encoding: f.encoding, delimiter: f.delimiter,
      mapped: p.mapped, unmapped: p.unmapped,
    };
    const run = `${process.pid}_${++runCounter}`;
    const stage = `crmq_stage_${run}`;
    const rejTable = `crmq_rej_${run}`;
    const scanTable = `crmq_scan_${run}`;
    const columns = `{${[...(f.lineColumn ? [`'__line': 'BIGINT'`] : []), ...cols.map((c) => `${lit(c)}: 'VARCHAR'`)].join(', ')}}`;
    const readCsv =
      `read_csv(${lit(f.csvPath)}, auto_detect = false, header = false, skip = ${headerRows}, delim = ${lit(f.delimiter)}, quote = '"', escape = '"', ` +
      `columns = ${columns}, store_rejects = true, rejects_table = ${lit(rejTable)}, rejects_scan = ${lit(scanTable)}, max_line_size = 16777216)`;
    // Staging, profiling and row checks use temp tables only; the transaction below covers every write to
    // the database file, so a failure or a kill at any point leaves it exactly as before.
    try {
      const phase = (what: string, total?: number, unit?: string) => opts.onPhase?.(`${basename(file)}: ${what}`, total, unit);
      phase('reading', statSync(f.csvPath).size / 1e6, 'MB');
      const staged = db.run(`CREATE TEMP TABLE ${stage} AS SELECT * FROM ${readCsv} WITH ORDINALITY`);
      // Not UTF-8 after all (past the head)? Mostly not: read it again as Windows-1251. A few bad lines in a
      // UTF-8 file: the reader rejects those rows, with their line, and the rest stays UTF-8.
      let retry: Promise<boolean> | undefined;
      const notUtf8 = () =>
        (retry ??= (async () => {
          if (f.kind !== 'csv' || f.encoding !== 'utf-8' || (await scan).utf8) return false;
          const census = await fileLineCensus(file);
          if (utf8Wins(census)) return false;
          if (f.encodingForced) throw notUtf8Error(file, census);
          return true;
        })());
      await staged.catch(async (err) => {
        throw (await notUtf8()) ? new NotUtf8() : err;
      });
      const { sha256: digest } = await scan;
      if (await notUtf8()) throw new NotUtf8();
      if (f.dosEof) await dropDosEof(db, stage, cols, rejTable);
      const [prior] = await db.all<{ import_id: number; rows_read: number; rows_loaded: number; rows_rejected: number }>(
        `SELECT import_id, rows_read, rows_loaded, rows_rejected FROM imports
         WHERE source = ${lit(opts.source)} AND entity = ${lit(entity)} AND sha256 = ${lit(digest)} ORDER BY import_id DESC LIMIT 1`,
      );
      if (prior && !opts.replace && !given) {
        // Same file, same answer: its rejects are still rejects (a retried CI job must not turn green).
        const rejectSample = await db.all<{ line: number; reason: string }>(`SELECT line, reason FROM rejects WHERE import_id = ${prior.import_id} ORDER BY line LIMIT 5`);
        return {
          ...base, status: 'unchanged' as const, importId: prior.import_id, rowsRead: prior.rows_read, rowsLoaded: prior.rows_loaded, rowsRejected: prior.rows_rejected,
          rowsReplaced: 0, formats: {}, unparsed: {}, rejectSample, padded: 0, notes: [],
        };
      }
      const rejectedByReader = await db.all<{ line: number; reason: string; raw: string; short: boolean }>(
        `SELECT line, string_agg(DISTINCT CASE WHEN error_type = 'INVALID ENCODING' THEN ${lit(INVALID_UTF8)} ELSE error_message END, '; ') AS reason,
           first(csv_line) AS raw, bool_and(error_type = 'MISSING COLUMNS') AS short
         FROM ${rejTable} GROUP BY line ORDER BY line`,
      );
      // Record number (header = 1) of each staged row: ordinality counts only the records the reader kept,
      // so add one for every rejected record before it. Padded short rows carry -line as their ordinality.
      const line = f.lineColumn
        ? 's.__line'
        : rejectedByReader.length
        ? `CASE WHEN s.ordinality < 0 THEN -s.ordinality ELSE s.ordinality + ${headerRows} + (SELECT count(*) FROM ${stage}_gaps g WHERE g.thr < s.ordinality) END`
        : `s.ordinality + ${headerRows}`;
      if (rejectedByReader.length) {
        await db.run(`CREATE TEMP TABLE ${stage}_gaps AS SELECT line - ${headerRows + 1} - (row_number() OVER (ORDER BY line) - 1) AS thr FROM (SELECT DISTINCT line FROM ${rejTable})`);
      }
      // Short rows (trailing empty fields left out, as Excel and report exports write them) are padded, not rejected.
      const padded = rejectedByReader.filter((r) => r.short && r.raw);
      for (const r of padded) {
        const cells = (parseCsv(r.raw, { delimiter: f.delimiter, relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? [];
        await db.run(`INSERT INTO ${stage} VALUES (${cols.map((_, i) => lit(cells[i] ?? null)).join(', ')}, ${-r.line})`);
      }
      const structural = rejectedByReader.filter((r) => !(r.short && r.raw));
      const [{ n: stagedRows }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${stage}`);
      phase('checking rows', stagedRows, 'rows');
      const rowRejects = await findRowRejects(db, stage, cols, f.header, p.idColumn, line);
      const sourceId = p.idColumn ? `trim(${ident(p.idColumn)})` : `${lit(`${basename(file)}:`)} || (${line})`;
      const kept = rowRejects ? `WHERE s.ordinality NOT IN (SELECT ordinality FROM ${stage}_rej)` : '';
      phase('loading', stagedRows, 'rows');
      return await db.transaction(async () => {
      const importId = Number((await db.all<{ id: number }>(`SELECT nextval('import_id_seq') AS id`))[0].id);
      const sel = await buildCanonicalSelect(db, stage, p, f.header, cols, { source: opts.source, sourceId, importId, line, where: kept });
      await db.run(`INSERT INTO ${entity} BY NAME ${sel.sql}`);
      if (f.extraCells?.length) await mergeExtraCells(db, entity, importId, f.extraCells, stage);
      // Profiled while the previous version of every record is still there to compare with.
      if (opts.profile !== false) {
        await profileImport(db, { importId, source: opts.source, entity, complete: !given, stage, cols, header: f.header, kept, sourceId, mapped: p.mapped });
      }
      // Upsert by (source, source_id): a newer export of the same records replaces the older version.
      let replaced = 0;
      const older = `source = ${lit(opts.source)} AND import_id <> ${importId}`;
      const [{ n: existing }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${entity} WHERE ${older}`);
      if (existing > 0) {
        const which = opts.replace ? '' : `AND source_id IN (SELECT source_id FROM ${entity} WHERE import_id = ${importId})`;
        const [{ n }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${entity} WHERE ${older} ${which}`);
        replaced = n;
        if (n > 0) await db.run(`DELETE FROM ${entity} WHERE ${older} ${which}`);
      }
      const unparsedFields = sel.unparsedFields;
      const [counted] = await db.all<Record<string, number>>(
        `SELECT count(*) AS __loaded ${unparsedFields.map((x) => `, count(*) FILTER (WHERE json_extract_string(extra, ${lit(`$."unparsed.${x}"`)}) IS NOT NULL) AS ${ident(x)}`).join('')}
         FROM ${entity} WHERE import_id = ${importId}`,
      );
      const loaded = counted.__loaded;
      const unparsed = Object.fromEntries(unparsedFields.filter((x) => counted[x] > 0).map((x) => [x, counted[x]]));
      const fileLabel = given ? file : resolve(file);
      const rejectValues = [...structural, ...f.rejects].map((r) => `(${importId}, ${lit(opts.source)}, ${lit(entity)}, ${lit(fileLabel)}, ${r.line}, ${lit(r.reason)}, ${lit(r.raw)})`);
      if (rejectValues.length) await db.run(`INSERT INTO rejects VALUES ${rejectValues.join(', ')}`);
      if (rowRejects) {
        const rawRow = `concat_ws(${lit(f.delimiter)}, ${cols.map((c) => `coalesce(${ident(c)}, '')`).join(', ')})`;
        await db.run(`INSERT INTO rejects SELECT ${importId}, ${lit(opts.source)}, ${lit(entity)}, ${lit(fileLabel)}, r.line, r.reason, ${rawRow}
          FROM ${stage}_rej r JOIN ${stage} s USING (ordinality)`);
      }
      const [{ n: rejected }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM rejects WHERE import_id = ${importId}`);
      const read = stagedRows + structural.length + f.rejects.length;
      if (read !== loaded + rejected) throw new Error(`row accounting broke for ${file}: read ${read} ≠ loaded ${loaded} + rejected ${rejected}`);
      const share = opts.maxRejectShare ?? DEFAULT_MAX_REJECT_SHARE;
      if (read > 0 && rejected / read > share) {
        const first = (await db.all<{ line: number; reason: string }>(`SELECT line, reason FROM rejects WHERE import_id = ${importId} ORDER BY line LIMIT 1`))[0];
        throw new CrmqError(
          `${file}: ${rejected} of ${read} rows rejected (over ${Math.round(share * 100)}%), nothing imported; first at row ${first.line}: ${first.reason} ` +
            '(check --delimiter/--encoding, or raise --max-rejects)',
        );
      }
      const warnings = { formats: sel.formats, unparsed, unmapped: p.unmapped, padded: padded.length, notes: [...(f.notes ?? []), ...p.notes], ...(headerWarning ? { header: headerWarning } : {}) };
      await db.run(`INSERT INTO imports VALUES (${importId}, ${lit(opts.source)}, ${lit(entity)}, ${lit(fileLabel)}, ${lit(digest)}, ${lit(p.presetId)},
        ${lit(f.encoding)}, ${lit(f.delimiter)}, ${read}, ${loaded}, ${rejected}, ${replaced}, ${lit(JSON.stringify(warnings))}, ${lit(sqlTimestamp(started))}, ${lit(sqlTimestamp(new Date()))})`);
      const rejectSample = await db.all<{ line: number; reason: string }>(`SELECT line, reason FROM rejects WHERE import_id = ${importId} ORDER BY line LIMIT 5`);
      const result: ImportResult = {
        ...base, status: 'imported' as const, importId, rowsRead: read, rowsLoaded: loaded, rowsRejected: rejected, rowsReplaced: replaced,
        formats: sel.formats, unparsed, rejectSample, padded: padded.length, notes: [...(f.notes ?? []), ...p.notes], ...(headerWarning ? { headerWarning } : {}),
      };
      await opts.beforeCommit?.(result);
      return result;
      });
    } finally {
      // A failed cleanup (the database invalidated by a full disk) must not hide why the import failed.
      for (const t of [stage, `${stage}_gaps`, `${stage}_why`, `${stage}_rej`, `${stage}_kept`, rejTable, scanTable]) await db.run(`DROP TABLE IF EXISTS ${t}`).catch(() => {});
    }
  } finally {
    pf?.cleanup();
    tmpDir.remove();
  }
}

export async function importFile(db: Db, opts: ImportOptions): Promise<ImportResult> {
  try {
    return await importOnce(db, opts);
  } catch (err) {
    if (err instanceof WriteError) throw new CrmqError(`${opts.file}: not imported: ${err.message}`);
    const io = err instanceof CrmqError ? undefined : ioProblem(err);
    if (io) throw new CrmqError(`${opts.file}: not imported: ${io} (${(err as Error).message.split('\n')[0]}); nothing was changed`);
    if (!(err instanceof NotUtf8)) throw err;
    // Mostly not UTF-8 past a UTF-8 head: a Windows-1251 export.
    return importOnce(db, { ...opts, encoding: 'windows-1251' });
  }
}
