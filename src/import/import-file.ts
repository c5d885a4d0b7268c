// Loads one export file into the canonical model in a single transaction:
// prepare (encoding, dialect, XLSX/JSON → CSV) → stage with DuckDB's bulk reader → profile formats →
// reject bad rows → insert canonical rows with lineage → record the import. Every row read is loaded or rejected.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { prepareCsv } from '../connectors/csv-file.js';
import { prepareJson } from '../connectors/json-file.js';
import type { PreparedFile } from '../connectors/prepared-file.js';
import { detectPreset, getPreset, norm, PRESET_IDS } from '../connectors/presets/index.js';
import type { EntityMap, Preset } from '../connectors/presets/preset.js';
import { prepareXlsx } from '../connectors/xlsx-file.js';
import type { Db } from '../db/database.js';
import { ident, lit } from '../db/sql.js';
import { CrmqError } from '../errors.js';
import { ENTITIES, fieldsOf, isEntity, type EntityName, type FieldType } from '../model/tables.js';
import { loadMapping, mergeMapping } from './mapping.js';
import { profileColumns } from './profile.js';
import { parse as parseCsv } from 'csv-parse/sync';
import { cleaned, currencyInAmountExpr, listExpr, valueExpr } from './transforms.js';

export interface ImportOptions {
  file: string;
  source: string;
  preset?: string;
  entity?: string;
  mapping?: string;
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  currency?: string;
  replace?: boolean;
  /** Fail the whole import when more than this share of rows is rejected (0..1). */
  maxRejectShare?: number;
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
}

export const DEFAULT_MAX_REJECT_SHARE = 0.5;

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function prepare(file: string, tmp: string, opts: ImportOptions): Promise<PreparedFile> {
  const ext = extname(file).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return prepareXlsx(file, tmp, { sheet: opts.sheet });
  if (ext === '.xls') throw new CrmqError(`${file}: legacy .xls is not supported; save it as .xlsx or CSV`);
  if (ext === '.json') return prepareJson(file, tmp);
  return prepareCsv(file, tmp, { encoding: opts.encoding, delimiter: opts.delimiter });
}

interface Plan {
  preset: Preset | undefined;
  presetId: string;
  map: EntityMap;
  idColumn?: string;
  /** field → staging columns feeding it, in header order. */
  fields: Map<string, string[]>;
  mapped: Record<string, string>;
  unmapped: string[];
  defaultCurrency?: string;
  slashDefault: 'dmy' | 'mdy';
}

function plan(header: string[], cols: string[], pf: PreparedFile, opts: ImportOptions): Plan {
  const mapping = opts.mapping ? loadMapping(opts.mapping) : undefined;
  const entity = opts.entity ?? mapping?.entity ?? pf.entityHint;
  if (entity && !isEntity(entity)) throw new CrmqError(`--entity: unknown entity "${entity}" (one of ${ENTITIES.join(', ')})`);
  const presetOpt = opts.preset ?? (mapping && !opts.preset ? 'generic' : 'auto');
  if (!PRESET_IDS.includes(presetOpt)) throw new CrmqError(`--preset: unknown preset "${presetOpt}" (one of ${PRESET_IDS.join(', ')})`);
  let preset: Preset | undefined;
  let map: EntityMap | undefined;
  if (presetOpt !== 'generic') {
    const hinted = presetOpt === 'auto' && pf.presetHint ? pf.presetHint : presetOpt;
    const match = detectPreset(header, { preset: hinted, entity }) ?? (hinted !== presetOpt ? detectPreset(header, { preset: presetOpt, entity }) : undefined);
    if (!match && !mapping) {
      throw new CrmqError(
        `${opts.file}: no preset recognises these headers (${header.slice(0, 5).join(', ')}${header.length > 5 ? ', …' : ''}); ` +
          'pass --preset and --entity, or --mapping <file.yaml> (docs/import.md)',
      );
    }
    preset = match?.preset;
    map = match?.map;
  }
  if (mapping) {
    const e = entity ?? map?.entity;
    if (!e) throw new CrmqError(`${opts.mapping}: say which entity the file holds (entity: contacts) or pass --entity`);
    map = mergeMapping(map, mapping, e);
  }
  if (!map) throw new CrmqError(`${opts.file}: cannot tell which entity this file holds; pass --entity`);
  const known = fieldsOf(map.entity);
  const fields = new Map<string, string[]>();
  const mapped: Record<string, string> = {};
  const unmapped: string[] = [];
  const idNorms = new Set((map.id ?? []).map(norm));
  let idColumn: string | undefined;
  header.forEach((h, i) => {
    if (h.startsWith('__trailing_')) return;
    if (!idColumn && idNorms.has(norm(h)) && !/ \(\d+\)$/.test(h)) {
      idColumn = cols[i];
      mapped[h] = 'source_id';
      return;
    }
    const field = map!.columns[norm(h)];
    if (field && field !== 'ignore' && field in known) {
      fields.set(field, [...(fields.get(field) ?? []), cols[i]]);
      mapped[h] = field;
    } else {
      unmapped.push(h);
    }
  });
  if (opts.currency && !/^[A-Z]{3}$/.test(opts.currency)) throw new CrmqError(`--currency: "${opts.currency}" is not a 3-letter ISO code such as RUB`);
  return {
    preset, presetId: mapping ? (preset ? `${preset.id}+mapping` : 'generic') : preset!.id, map, idColumn, fields, mapped, unmapped,
    defaultCurrency: opts.currency ?? mapping?.currency ?? preset?.defaultCurrency,
    slashDefault: mapping?.date_order ?? (preset?.defaultCurrency === 'RUB' ? 'dmy' : 'mdy'),
  };
}

/** SELECT list that turns staging text into canonical columns, plus the checks for unparsed values. */
async function buildSelect(db: Db, stage: string, p: Plan, header: string[], cols: string[]) {
  const labels = Object.fromEntries(cols.map((c, i) => [c, header[i]]));
  const defs = fieldsOf(p.map.entity);
  const typed = (t: FieldType[]) => [...p.fields].filter(([f]) => t.includes(defs[f].type)).flatMap(([, cs]) => cs);
  const profiles = await profileColumns(db, stage, typed(['timestamp', 'date']), typed(['decimal', 'int']), labels, p.slashDefault);
  const exprs: Record<string, string> = {};
  const unparsedChecks: Record<string, string> = {};
  for (const [field, cs] of p.fields) {
    const type = defs[field].type;
    if (type === 'list') {
      exprs[field] = listExpr(cs, field === 'emails' ? 'emails' : field === 'phones' ? 'phones' : 'other');
      continue;
    }
    const per = cs.map((c) => {
      const v = cleaned(c);
      return { c, v, e: type === 'text' ? v : valueExpr(type, v, { date: profiles.dates[c], number: profiles.numbers[c] }) };
    });
    exprs[field] = per.length === 1 ? per[0].e : `coalesce(${per.map((x) => x.e).join(', ')})`;
    if (type !== 'text') {
      unparsedChecks[field] = per.map((x) => `(${x.v} IS NOT NULL AND (${x.e}) IS NULL)`).join(' OR ');
    }
  }
  // Scalars derived from lists and parts.
  if (exprs.phones && 'phone' in defs) exprs.phone = `(${exprs.phones})[1]`;
  if (exprs.emails && 'email' in defs) exprs.email = `lower((${exprs.emails})[1])`;
  if ('full_name' in defs && !exprs.full_name && (exprs.first_name || exprs.last_name)) {
    exprs.full_name = `nullif(concat_ws(' ', ${['first_name', 'middle_name', 'last_name'].filter((f) => exprs[f]).map((f) => exprs[f]).join(', ')}), '')`;
  }
  if ('currency' in defs) {
    const amountCols = ['amount', 'price', 'annual_revenue'].flatMap((f) => p.fields.get(f) ?? []);
    const fromCells = amountCols.map((c) => currencyInAmountExpr(cleaned(c)));
    exprs.currency = `coalesce(${[exprs.currency, ...fromCells, lit(p.defaultCurrency ?? null)].filter(Boolean).join(', ')})`;
  }
  if (p.map.entity === 'deals') exprs.status = dealStatusExpr(exprs.status, exprs.stage);
  // extra: unmapped columns, the later columns of a scalar field fed by several (their value would
  // otherwise be hidden by coalesce), and unparsed raw values, as a JSON object without empty entries.
  const shadowed = [...p.fields].filter(([f, cs]) => defs[f].type !== 'list' && cs.length > 1).flatMap(([, cs]) => cs.slice(1));
  const pairs = [
    ...shadowed.map((c) => `(${lit(labels[c])}, nullif(trim(${ident(c)}), ''))`),
    ...p.unmapped.map((h) => `(${lit(h)}, nullif(trim(${ident(cols[header.indexOf(h)])}), ''))`),
    ...Object.entries(unparsedChecks).map(([f, chk]) => `(${lit(`unparsed.${f}`)}, CASE WHEN ${chk} THEN ${rawOf(p.fields.get(f)!)} END)`),
  ];
  const extra = pairs.length
    ? `CASE WHEN ${pairs.map((x) => `${x.slice(x.indexOf(', ') + 2, -1)} IS NOT NULL`).join(' OR ')} THEN to_json(map_from_entries(list_filter([${pairs.join(', ')}], x -> x[2] IS NOT NULL))) END`
    : 'NULL';
  return { exprs, unparsedChecks, extra, formats: profiles.notes };
}

const rawOf = (cs: string[]) => (cs.length === 1 ? `trim(${ident(cs[0])})` : `concat_ws(' | ', ${cs.map((c) => `nullif(trim(${ident(c)}), '')`).join(', ')})`);

/** won / lost / open from an explicit status, else from the stage label's wording. */
function dealStatusExpr(status: string | undefined, stage: string | undefined): string {
  const won = `'(^|[^a-zа-я])(won|выиграна|успешн|success|closedwon|closed won|оплачен)'`;
  const lost = `'(^|[^a-zа-я])(lost|lose|проиграна|провал|не реализ|отказ|closedlost|closed lost|junk)'`;
  const from = (v: string) => `CASE WHEN regexp_matches(lower(${v}), ${lost}) THEN 'lost' WHEN regexp_matches(lower(${v}), ${won}) THEN 'won' END`;
  const parts = [status && from(status), stage && from(stage), stage || status ? `'open'` : undefined].filter(Boolean);
  return parts.length ? `coalesce(${parts.join(', ')})` : 'NULL';
}

let runCounter = 0;

export async function importFile(db: Db, opts: ImportOptions): Promise<ImportResult> {
  const file = opts.file;
  if (!opts.source || !/^[\p{L}\p{N}_.\-]+$/u.test(opts.source)) {
    throw new CrmqError(`--source: "${opts.source ?? ''}" must be a short name of letters, digits, '-', '_' or '.' (e.g. hubspot-eu)`);
  }
  if (!existsSync(file)) throw new CrmqError(`${file}: no such file`);
  const st = statSync(file);
  if (!st.isFile()) throw new CrmqError(`${file}: not a file`);
  const started = new Date();
  const digest = await sha256(file).catch((e: Error) => {
    throw new CrmqError(`${file}: cannot read (${e.message.split('\n')[0]})`);
  });
  const tmp = mkdtempSync(join(tmpdir(), 'crmq-'));
  let pf: PreparedFile | undefined;
  try {
    const f = (pf = await prepare(file, tmp, opts));
    const cols = f.header.map((_, i) => `c${i + 1}`);
    const p = plan(f.header, cols, f, opts);
    const entity = p.map.entity;
    const [prior] = await db.all<{ import_id: number }>(
      `SELECT import_id FROM imports WHERE source = ${lit(opts.source)} AND entity = ${lit(entity)} AND sha256 = ${lit(digest)} ORDER BY import_id DESC LIMIT 1`,
    );
    const base = {
      file: resolve(file), source: opts.source, preset: p.presetId, entity, encoding: f.encoding, delimiter: f.delimiter,
      mapped: p.mapped, unmapped: p.unmapped,
    };
    if (prior && !opts.replace) {
      const [r] = await db.all<{ rows_read: number; rows_loaded: number; rows_rejected: number }>(`SELECT rows_read, rows_loaded, rows_rejected FROM imports WHERE import_id = ${prior.import_id}`);
      return {
        ...base, status: 'unchanged', importId: prior.import_id, rowsRead: r.rows_read, rowsLoaded: r.rows_loaded, rowsRejected: r.rows_rejected,
        rowsReplaced: 0, formats: {}, unparsed: {}, rejectSample: [], padded: 0,
      };
    }
    const run = `${process.pid}_${++runCounter}`;
    const stage = `crmq_stage_${run}`;
    const rejTable = `crmq_rej_${run}`;
    const scanTable = `crmq_scan_${run}`;
    const columns = `{${cols.map((c) => `${lit(c)}: 'VARCHAR'`).join(', ')}}`;
    const readCsv =
      `read_csv(${lit(f.csvPath)}, auto_detect = false, header = false, skip = 1, delim = ${lit(f.delimiter)}, quote = '"', escape = '"', ` +
      `columns = ${columns}, store_rejects = true, rejects_table = ${lit(rejTable)}, rejects_scan = ${lit(scanTable)}, max_line_size = 16777216)`;
    return await db.transaction(async () => {
      await db.run(`CREATE TEMP TABLE ${stage} AS SELECT * FROM ${readCsv} WITH ORDINALITY`);
      const rejectedByReader = await db.all<{ line: number; reason: string; raw: string; short: boolean }>(
        `SELECT line, string_agg(DISTINCT error_message, '; ') AS reason, first(csv_line) AS raw, bool_and(error_type = 'MISSING COLUMNS') AS short
         FROM ${rejTable} GROUP BY line ORDER BY line`,
      );
      // Record number (header = 1) of each staged row, skipping the records the reader rejected.
      const lineExpr = rejectedByReader.length
        ? `ordinality + 1 + (SELECT count(*) FROM (SELECT line - 2 - (row_number() OVER (ORDER BY line) - 1) AS thr FROM (SELECT DISTINCT line FROM ${rejTable})) WHERE thr < ordinality)`
        : 'ordinality + 1';
      await db.run(`CREATE TEMP TABLE ${stage}_lines AS SELECT ordinality, CAST(${lineExpr} AS BIGINT) AS line FROM ${stage}`);
      // Short rows (trailing empty fields left out, as Excel and report exports write them) are padded, not rejected.
      const padded = rejectedByReader.filter((r) => r.short && r.raw);
      for (const r of padded) {
        const cells = (parseCsv(r.raw, { delimiter: f.delimiter, relax_quotes: true, relax_column_count: true }) as string[][])[0] ?? [];
        const values = cols.map((_, i) => lit(cells[i] ?? null));
        await db.run(`INSERT INTO ${stage} VALUES (${values.join(', ')}, ${-r.line})`);
        await db.run(`INSERT INTO ${stage}_lines VALUES (${-r.line}, ${r.line})`);
      }
      const structural = rejectedByReader.filter((r) => !(r.short && r.raw));
      const dataCols = cols.filter((_, i) => !f.header[i].startsWith('__trailing_'));
      const phantom = cols.filter((_, i) => f.header[i].startsWith('__trailing_'));
      const allEmpty = `coalesce(${dataCols.map((c) => `nullif(trim(${ident(c)}), '')`).join(', ')}) IS NULL`;
      const rawRow = `concat_ws(${lit(f.delimiter)}, ${cols.map((c) => `coalesce(${ident(c)}, '')`).join(', ')})`;
      const idCol = p.idColumn ? ident(p.idColumn) : undefined;
      const idLabel = p.idColumn ? f.header[cols.indexOf(p.idColumn)] : '';
      await db.run(`
        CREATE TEMP TABLE ${stage}_rej AS SELECT * FROM (
          SELECT s.ordinality, l.line, ${rawRow} AS raw,
            CASE ${phantom.map((c) => `WHEN nullif(trim(${ident(c)}), '') IS NOT NULL THEN 'more fields than the header has columns'`).join(' ')}
                 WHEN ${allEmpty} THEN 'empty row'
                 ${idCol ? `WHEN nullif(trim(${idCol}), '') IS NULL THEN ${lit(`empty ${idLabel}`)}
                 WHEN row_number() OVER (PARTITION BY trim(${idCol}) ORDER BY l.line) > 1
                   THEN ${lit(`duplicate ${idLabel} `)} || trim(${idCol}) || ' (first at row ' || first_value(l.line) OVER (PARTITION BY trim(${idCol}) ORDER BY l.line) || ')'` : ''}
            END AS reason
          FROM ${stage} s JOIN ${stage}_lines l USING (ordinality)
        ) WHERE reason IS NOT NULL`);
      const sel = await buildSelect(db, stage, p, f.header, cols);
      const [{ n: staged }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${stage}`);
      const importId = Number((await db.all<{ id: number }>(`SELECT nextval('import_id_seq') AS id`))[0].id);
      const target = Object.keys(sel.exprs).filter((f) => f in fieldsOf(entity));
      const sourceId = idCol ? `trim(${idCol})` : `${lit(`${basename(file)}:`)} || l.line`;
      await db.run(`CREATE TEMP TABLE ${stage}_out AS
        SELECT ${lit(opts.source)} AS source, ${sourceId} AS source_id, ${importId} AS import_id, l.line AS source_line,
          ${target.map((f) => `${sel.exprs[f]} AS ${ident(f)}`).join(',\n          ')}${target.length ? ',' : ''}
          ${sel.extra} AS extra
        FROM ${stage} s JOIN ${stage}_lines l USING (ordinality)
        WHERE s.ordinality NOT IN (SELECT ordinality FROM ${stage}_rej)`);
      const unparsed: Record<string, number> = {};
      const unparsedFields = Object.keys(sel.unparsedChecks);
      if (unparsedFields.length) {
        const [u] = await db.all<Record<string, number>>(
          `SELECT ${unparsedFields.map((f) => `count(*) FILTER (WHERE json_extract_string(extra, ${lit(`$."unparsed.${f}"`)}) IS NOT NULL) AS ${ident(f)}`).join(', ')} FROM ${stage}_out`,
        );
        for (const f of unparsedFields) if (u[f] > 0) unparsed[f] = u[f];
      }
      let replaced = 0;
      if (opts.replace) {
        const [{ n }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${entity} WHERE source = ${lit(opts.source)}`);
        replaced = n;
        await db.run(`DELETE FROM ${entity} WHERE source = ${lit(opts.source)}`);
      } else {
        const [{ n }] = await db.all<{ n: number }>(
          `SELECT count(*) AS n FROM ${entity} WHERE source = ${lit(opts.source)} AND source_id IN (SELECT source_id FROM ${stage}_out)`,
        );
        if (n > 0) {
          replaced = n;
          await db.run(`DELETE FROM ${entity} WHERE source = ${lit(opts.source)} AND source_id IN (SELECT source_id FROM ${stage}_out)`);
        }
      }
      await db.run(`INSERT INTO ${entity} BY NAME SELECT * FROM ${stage}_out`);
      const [{ n: loaded }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${stage}_out`);
      const fileLabel = resolve(file);
      const rejectRows = [
        ...structural.map((r) => `(${importId}, ${lit(opts.source)}, ${lit(entity)}, ${lit(fileLabel)}, ${r.line}, ${lit(r.reason)}, ${lit(r.raw)})`),
        ...f.rejects.map((r) => `(${importId}, ${lit(opts.source)}, ${lit(entity)}, ${lit(fileLabel)}, ${r.line}, ${lit(r.reason)}, ${lit(r.raw)})`),
      ];
      if (rejectRows.length) await db.run(`INSERT INTO rejects VALUES ${rejectRows.join(', ')}`);
      await db.run(`INSERT INTO rejects SELECT ${importId}, ${lit(opts.source)}, ${lit(entity)}, ${lit(fileLabel)}, line, reason, raw FROM ${stage}_rej`);
      const [{ n: rejected }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM rejects WHERE import_id = ${importId}`);
      const read = staged + structural.length + f.rejects.length;
      if (read !== loaded + rejected) throw new Error(`row accounting broke for ${file}: read ${read} ≠ loaded ${loaded} + rejected ${rejected}`);
      const share = opts.maxRejectShare ?? DEFAULT_MAX_REJECT_SHARE;
      if (read > 0 && rejected / read > share) {
        const first = (await db.all<{ line: number; reason: string }>(`SELECT line, reason FROM rejects WHERE import_id = ${importId} ORDER BY line LIMIT 1`))[0];
        throw new CrmqError(
          `${file}: ${rejected} of ${read} rows rejected (over ${Math.round(share * 100)}%), nothing imported; first at row ${first.line}: ${first.reason} ` +
            '(check --delimiter/--encoding, or raise --max-rejects)',
        );
      }
      const warnings = { formats: sel.formats, unparsed, unmapped: p.unmapped, padded: padded.length };
      await db.run(`INSERT INTO imports VALUES (${importId}, ${lit(opts.source)}, ${lit(entity)}, ${lit(fileLabel)}, ${lit(digest)}, ${lit(p.presetId)},
        ${lit(f.encoding)}, ${lit(f.delimiter)}, ${read}, ${loaded}, ${rejected}, ${replaced}, ${lit(JSON.stringify(warnings))}, ${lit(iso(started))}, ${lit(iso(new Date()))})`);
      const rejectSample = await db.all<{ line: number; reason: string }>(`SELECT line, reason FROM rejects WHERE import_id = ${importId} ORDER BY line LIMIT 5`);
      for (const t of [stage, `${stage}_lines`, `${stage}_rej`, `${stage}_out`, rejTable, scanTable]) await db.run(`DROP TABLE IF EXISTS ${t}`);
      return {
        ...base, status: 'imported' as const, importId, rowsRead: read, rowsLoaded: loaded, rowsRejected: rejected, rowsReplaced: replaced,
        formats: sel.formats, unparsed, rejectSample, padded: padded.length,
      };
    });
  } finally {
    pf?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  }
}

const iso = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

export const describeFile = (r: ImportResult) => `${basename(r.file)} → ${r.entity} (${r.preset})`;
