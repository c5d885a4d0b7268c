// The engine's input for CRM data: one row per contact, lead or company in dd_rec, normalised once, with every
// identifying field the model has. Ids are "<entity>:<source>:<source_id>" (contacts and leads of every CRM can fall
// into one cluster); `rid` is a dense integer id in id order that pairs and joins use.
import type { Db } from '../db/database.js';
import { ident, lit } from '../db/sql.js';
import type { Comparison } from './config.js';
import { DEDUPE_MACROS } from './normalize-sql.js';

export type DedupeTarget = 'contacts' | 'leads' | 'companies' | 'people';
export type EntityType = 'person' | 'organisation';

/** A comparison of the user's own (crmq.yaml `dedupe.fields`): a canonical column or a key of `extra`. */
export interface CustomField {
  name: string;
  compare: Comparison;
  identifier?: boolean;
  block?: boolean;
}

/** Columns a person / organisation row of dd_rec can have (NULL when the source has no such field; dropped when no record has it). */
export const PERSON_COLUMNS = ['first', 'last', 'dob', 'email', 'phone', 'phones', 'id_number', 'tax_id', 'address', 'city', 'postcode', 'gender', 'occupation', 'company'];
export const ORG_COLUMNS = ['org_name', 'address', 'city', 'postcode', 'phone', 'phones', 'domain', 'email', 'inn', 'kpp', 'ogrn', 'vat_id', 'duns'];

/** SQL normalising a raw value for a comparison kind (for the user's own fields). */
export function normalizeFor(kind: Comparison, v: string): string {
  switch (kind) {
    case 'name':
    case 'text':
      return `dd_name(${v})`;
    case 'org':
      return `dd_company(${v})`;
    case 'address':
      return `dd_address(${v})`;
    case 'email':
      return `dd_email(${v})`;
    case 'phone':
      return `dd_digits(${v})`;
    case 'date':
      return `coalesce(strftime(try_cast(${v} AS DATE), '%Y%m%d'), dd_digits(${v}))`;
    default:
      return `dd_key(${v})`;
  }
}

const valueOf = (table: string, column: string, columns: Set<string>) =>
  columns.has(column) ? `CAST(t.${ident(column)} AS VARCHAR)` : `json_extract_string(t.extra, ${lit(`$."${column.replace(/^extra\./, '').replaceAll('"', '\\"')}"`)})`;

/**
 * dd_phone: each record's first valid phone (entity, source, source_id, phone), and the list of all of them (phones)
 * only for records with more than one. In two steps, so that DuckDB can spill: a list() per record kept every
 * record's list in memory that cannot be written out (at 3M contacts 0.4 GB of a 1 GiB budget, and the run stopped
 * with Out of Memory); the first phone and the count are fixed-size states, and lists are built for the few records
 * with several numbers.
 */
async function buildPhones(db: Db, entities: string[]): Promise<void> {
  const where = `entity IN (${entities.map(lit).join(', ')}) AND e164 IS NOT NULL`;
  await db.run(`CREATE OR REPLACE TEMP TABLE dd_phone1 AS SELECT entity, source, source_id, arg_min(e164, pos) AS phone, count(*) AS n FROM phone_keys WHERE ${where} GROUP BY ALL`);
  await db.run(`CREATE OR REPLACE TEMP TABLE dd_phone AS SELECT a.entity, a.source, a.source_id, a.phone, b.phones FROM dd_phone1 a LEFT JOIN (
      SELECT entity, source, source_id, list(e164) AS phones FROM phone_keys SEMI JOIN (SELECT entity, source, source_id FROM dd_phone1 WHERE n > 1) USING (entity, source, source_id)
      WHERE ${where} GROUP BY ALL) b USING (entity, source, source_id)`);
  await db.run('DROP TABLE dd_phone1');
}

/**
 * Name-like raw values are normalised once per distinct value (names, cities and companies repeat), then joined back.
 * The raw values are a table of their own (dd_raw), read by each dictionary and the final join.
 */
const dictionary = (name: string, macro: string, values: string[]) =>
  `${name} AS (SELECT v, ${macro}(v) AS n FROM (SELECT DISTINCT v FROM (${values.map((v) => `SELECT ${v} AS v FROM dd_raw`).join(' UNION ALL ')}) WHERE v IS NOT NULL))`;

function personRaw(entity: 'contacts' | 'leads', columns: Set<string>, extra: string): string {
  const has = (c: string) => (columns.has(c) ? `t.${ident(c)}` : 'CAST(NULL AS VARCHAR)');
  return `SELECT '${entity}:' || t.source || ':' || t.source_id AS id, '${entity}' AS entity, t.source, t.source_id,
    json_extract_string(t.extra, '$."unparsed.birth_date"') AS unparsed_dob,
    coalesce(nullif(trim(t.first_name), ''), nullif(split_part(trim(t.full_name), ' ', 1), '')) AS raw_first,
    coalesce(nullif(trim(t.last_name), ''), CASE WHEN t.first_name IS NULL AND t.last_name IS NULL AND t.full_name LIKE '% %' THEN regexp_extract(t.full_name, '(\\S+)\\s*$', 1) END) AS raw_last,
    ${has('city')} AS raw_city, t.company_name AS raw_company, t.email, t.birth_date, t.national_id, t.tax_id, t.address, t.postcode,
    coalesce(t.full_name, concat_ws(' ', t.first_name, t.last_name)) AS label${extra}
    FROM ${entity} t`;
}

/** dd_raw's SELECT for people. */
function peopleRaw(tables: ('contacts' | 'leads')[], custom: CustomField[], columns: Map<string, Set<string>>): string {
  // The user's own fields come from each table (a canonical column or a key of extra).
  const customRaw = (t: string) => custom.map((f) => `, ${valueOf(t, f.name, columns.get(t)!)} AS ${ident(`xr_${f.name}`)}`).join('');
  return tables.map((t) => personRaw(t, columns.get(t)!, customRaw(t))).join(' UNION ALL ');
}

function peopleSelect(tables: ('contacts' | 'leads')[], custom: CustomField[]): string {
  return `WITH ${dictionary('names', 'dd_name', ['raw_first', 'raw_last', 'raw_city'])},
    ${dictionary('companies', 'dd_company', ['raw_company'])}
  SELECT t.id, t.entity, t.source, t.source_id, f.n AS first, l.n AS last,
    -- a date of birth that did not parse is still compared by its digits (kept raw in extra at import)
    coalesce(strftime(t.birth_date, '%Y%m%d'), nullif(regexp_extract(dd_digits(t.unparsed_dob), '^\\d{8}$'), '')) AS dob,
    dd_email(t.email) AS email, p.phone, p.phones, dd_key(t.national_id) AS id_number, dd_key(t.tax_id) AS tax_id,
    dd_address(t.address) AS address, c.n AS city, dd_key(t.postcode) AS postcode, co.n AS company,
    ${custom.map((f) => `${normalizeFor(f.compare, ident(`xr_${f.name}`))} AS ${ident(`x_${f.name}`)}, `).join('')}
    t.label
  FROM dd_raw t LEFT JOIN names f ON f.v = t.raw_first LEFT JOIN names l ON l.v = t.raw_last LEFT JOIN names c ON c.v = t.raw_city
    LEFT JOIN companies co ON co.v = t.raw_company
    LEFT JOIN dd_phone p ON p.entity = t.entity AND p.source = t.source AND p.source_id = t.source_id`;
}

/** Creates dd_rec for the target; returns the entity type the matching configuration is for. */
export async function buildRecords(db: Db, target: DedupeTarget, custom: CustomField[] = []): Promise<EntityType> {
  await db.run(DEDUPE_MACROS);
  const tables = target === 'people' ? ['contacts', 'leads'] : [target];
  const columns = new Map<string, Set<string>>();
  for (const t of tables) columns.set(t, new Set((await db.all<{ column_name: string }>(`SELECT column_name FROM duckdb_columns() WHERE table_name = ${lit(t)}`)).map((c) => c.column_name)));
  if (target === 'companies') {
    const cols = columns.get('companies')!;
    await db.run('CREATE OR REPLACE TEMP TABLE dd_raw AS SELECT *, name AS raw_name, city AS raw_city FROM companies');
    await buildPhones(db, ['companies']);
    await finishRecords(db, 'organisation', `
      WITH ${dictionary('companies', 'dd_company', ['raw_name'])}, ${dictionary('names', 'dd_name', ['raw_city'])}
      SELECT 'companies:' || t.source || ':' || t.source_id AS id, 'companies' AS entity, t.source, t.source_id, o.n AS org_name,
        dd_address(t.address) AS address, c.n AS city, dd_key(t.postcode) AS postcode, p.phone, p.phones,
        coalesce(dd_domain(t.website), dd_domain(t.email)) AS domain, dd_email(t.email) AS email,
        dd_digits(t.inn) AS inn, dd_digits(t.kpp) AS kpp, dd_digits(t.ogrn) AS ogrn, dd_key(t.vat_id) AS vat_id, dd_digits(t.duns) AS duns,
        ${custom.map((f) => `${normalizeFor(f.compare, valueOf('companies', f.name, cols))} AS ${ident(`x_${f.name}`)}, `).join('')}
        t.name AS label
      FROM dd_raw t LEFT JOIN companies o ON o.v = t.raw_name LEFT JOIN names c ON c.v = t.raw_city
        LEFT JOIN dd_phone p ON p.source = t.source AND p.source_id = t.source_id`);
    return 'organisation';
  }
  const people = tables as ('contacts' | 'leads')[];
  await db.run(`CREATE OR REPLACE TEMP TABLE dd_raw AS ${peopleRaw(people, custom, columns)}`);
  await buildPhones(db, people);
  await finishRecords(db, 'person', peopleSelect(people, custom));
  return 'person';
}

/**
 * A SELECT of records (id plus the type's columns, any of them missing) → dd_rec: the dense integer `rid`, the
 * type's columns that some record has, the sorted-name key and the e-mail's user part for people. In two steps: the
 * records sorted by id into dd_stage (a plain sort, which runs on every thread), then rid read off each row's place
 * there (rowid + 1): a row_number() OVER (ORDER BY id) carrying every column through the window cost twice the CPU
 * (3.8 against 2.0 CPU s at a million contacts). Shared with the benchmark loaders.
 */
export async function finishRecords(db: Db, type: EntityType, select = 'SELECT * FROM dd_src'): Promise<void> {
  const have = new Set((await db.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE ${select})`)).map((c) => c.column_name));
  const cols = type === 'person' ? PERSON_COLUMNS : ORG_COLUMNS;
  const pick = (c: string) => (have.has(c) ? ident(c) : c === 'phones' ? (have.has('phone') ? `CASE WHEN phone IS NOT NULL THEN [phone] END AS phones` : 'CAST(NULL AS VARCHAR[]) AS phones') : `CAST(NULL AS VARCHAR) AS ${ident(c)}`);
  const custom = [...have].filter((c) => c.startsWith('x_'));
  const keep = ['entity', 'source', 'source_id', 'label'].filter((c) => have.has(c));
  // (CREATE TABLE … ORDER BY keeps the sorted order: rowid is the place in it)
  await db.run(`CREATE OR REPLACE TEMP TABLE dd_stage AS SELECT id, ${[...cols.map(pick), ...custom.map(ident), ...keep.map(ident)].join(', ')} FROM (${select}) ORDER BY id`);
  // (the select's inputs, gone before dd_rec is written beside dd_stage)
  await db.run('DROP TABLE IF EXISTS dd_src; DROP TABLE IF EXISTS dd_raw; DROP TABLE IF EXISTS dd_phone');
  // A column empty in every record is left out (a CRM export without dates of birth, IDs, addresses …): it would be
  // carried through every join for nothing (9 of them in a plain contact list, ~8 bytes a record each).
  const [count] = await db.all<Record<string, number>>(`SELECT ${cols.map((c) => `count(${ident(c)}) AS ${ident(c)}`).join(', ')} FROM dd_stage`);
  const derived = type === 'person'
    // (the two names in byte order: list_sort(list_filter([first, last], …)) joined by a space, without a list per record, 1.0 against 0.2 CPU s at a million)
    ? [`CASE WHEN first IS NULL THEN last WHEN last IS NULL THEN first WHEN first <= last THEN first || ' ' || last ELSE last || ' ' || first END AS name_key`,
      // the user part of an e-mail (a namesake on another mail domain often has the same one)
      `nullif(split_part(email, '@', 1), '') AS email_user`,
      // … and its domain (both compared per candidate pair: split once per record here, not twice per pair there)
      `split_part(email, '@', 2) AS email_domain`]
    : [];
  const present = ['id', ...cols.filter((c) => count[c]), ...custom, ...keep].map(ident);
  await db.run(`CREATE OR REPLACE TEMP TABLE dd_rec AS SELECT CAST(rowid + 1 AS INTEGER) AS rid, ${[...present, ...derived].join(', ')} FROM dd_stage`);
  await db.run('DROP TABLE dd_stage');
}
