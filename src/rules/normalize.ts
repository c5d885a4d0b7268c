// Normalised keys the rules share, computed once per value and cached in the database:
// e-mail validity as a SQL macro, phones to E.164 (in SQL for the common shapes, phone-sql.ts; by libphonenumber-js,
// a JS function DuckDB calls, for the rest), cached in `phone_norm` so a value is parsed once, whatever number of checks later.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { domainToASCII } from 'node:url';
import type { Db } from '../db/database.js';
import { duckdb } from '../db/duckdb.js';
import { lit } from '../db/sql.js';
import { ENTITIES, fieldsOf } from '../model/tables.js';
import { callingCodeSql, candidateSql, PHONE_PUNCTUATION, SIMPLE_PHONE, validSql } from './phone-sql.js';

/**
 * A CRM-grade e-mail check: a dot-atom local part (any non-ASCII letters allowed), a domain of at least two
 * labels whose last is not all digits, RFC length limits. Quoted local parts, comments and IP literals, legal
 * in RFC 5322 but never typed into a CRM on purpose, are rejected. No TLD length cap (.рф, .museum, .商務).
 */
const ATEXT = `A-Za-z0-9!#$%&'*+/=?^_\`{|}~\\-`;
const LOCAL = `[${ATEXT}\\x{80}-\\x{10FFFF}]+(\\.[${ATEXT}\\x{80}-\\x{10FFFF}]+)*`;
const LABEL = `[A-Za-z0-9\\x{80}-\\x{10FFFF}]([A-Za-z0-9\\x{80}-\\x{10FFFF}\\-]{0,61}[A-Za-z0-9\\x{80}-\\x{10FFFF}])?`;
export const EMAIL_REGEX = `^${LOCAL}@(${LABEL}\\.)+${LABEL}$`;

const MACROS = `
CREATE OR REPLACE TEMP MACRO crmq_domain_ascii(d) AS CASE WHEN regexp_matches(d, '[^\\x00-\\x7F]') THEN crmq_idn_to_ascii(d) ELSE d END;
CREATE OR REPLACE TEMP MACRO crmq_email_ok(e) AS
  e IS NOT NULL AND regexp_full_match(e, ${lit(EMAIL_REGEX)}) AND crmq_domain_ascii(split_part(e, '@', 2)) IS NOT NULL
  AND strlen(split_part(e, '@', 1)) <= 64
  AND strlen(split_part(e, '@', 1)) + 1 + length(crmq_domain_ascii(split_part(e, '@', 2))) <= 254
  AND NOT regexp_matches(crmq_domain_ascii(split_part(e, '@', 2)), '((^|\\.)[0-9]+$)|((^|\\.)[^.]{64,}(\\.|$))');

CREATE OR REPLACE TEMP MACRO crmq_email_key(e) AS nullif(lower(trim(e)), '');
CREATE OR REPLACE TEMP MACRO crmq_email_domain(e) AS nullif(lower(split_part(trim(e), '@', 2)), '');
`;

/** libphonenumber-js's answer: E.164 of a valid number, else null. */
export function phoneE164(raw: string | null, region: string | null): string | null {
  if (!raw) return null;
  try {
    const p = parsePhoneNumberFromString(raw, ((region ?? 'RU') as CountryCode));
    return p && p.isValid() ? p.number : null;
  } catch {
    return null;
  }
}

export interface NormalizeOptions {
  /** Phone region for sources whose preset names none. */
  defaultRegion: string;
  /** Per-source phone regions (config `phone_region`). */
  regions: Record<string, string>;
}

const PRESET_REGIONS: Record<string, string> = { bitrix24: 'RU', amocrm: 'RU' };

/** At most this many calling codes and regions get their patterns into the SQL (the most frequent); the rest go to the library. */
const SQL_CODES = 24;

/** E.164 in SQL for the (raw, region) rows of `from` whose shape phone-sql.ts follows, into temp table `into` (raw, region, e164). */
export async function phonesInSql(db: Db, from: string, into: string, maxCodes = SQL_CODES): Promise<void> {
  // Kept in tables between steps: DuckDB would otherwise recompute the digits at every reference in the CASEs.
  await db.run(`CREATE OR REPLACE TEMP TABLE crmq_phone_shape AS SELECT *, substr(d, length(cc) + 1) AS n FROM (
    SELECT *, CASE WHEN intl THEN ${callingCodeSql('d')} END AS cc FROM (
      SELECT raw, region, regexp_matches(raw, '^[\\s(]*\\+') AS intl, translate(raw, ${lit(PHONE_PUNCTUATION)}, '') AS d
      FROM ${from} WHERE length(raw) <= 250 AND regexp_full_match(raw, ${lit(SIMPLE_PHONE)})))`);
  const top = async (sql: string) => (await db.all<{ k: string }>(`SELECT k FROM (${sql}) WHERE k IS NOT NULL GROUP BY k ORDER BY count(*) DESC, k LIMIT ${maxCodes}`)).map((r) => r.k);
  const codes = await top('SELECT cc AS k FROM crmq_phone_shape WHERE intl');
  const regions = await top('SELECT region AS k FROM crmq_phone_shape WHERE NOT intl');
  const candidate = candidateSql(codes, regions);
  await db.run(`CREATE OR REPLACE TEMP TABLE crmq_phone_candidate AS SELECT * FROM (
    SELECT raw, region, ${candidate.cc} AS cc, ${candidate.nat} AS nat FROM crmq_phone_shape) WHERE nat IS NOT NULL`);
  const valid = await top('SELECT cc AS k FROM crmq_phone_candidate');
  await db.run(`CREATE OR REPLACE TEMP TABLE ${into} AS SELECT raw, region, '+' || cc || nat AS e164 FROM crmq_phone_candidate WHERE ${validSql(valid)}`);
  await db.run('DROP TABLE crmq_phone_shape; DROP TABLE crmq_phone_candidate');
}

/**
 * Each distinct (phone, region) not in the cache, parsed once: in SQL where its shape is one phone-sql.ts follows
 * exactly as libphonenumber-js would (most phones: +7 …, 8 …, +49 …), by the library for the rest.
 */
async function normalizePhones(db: Db, onPhase?: (label: string) => void): Promise<void> {
  await db.run(`CREATE OR REPLACE TEMP TABLE crmq_phone_todo AS
    SELECT DISTINCT raw, region FROM all_phones a WHERE NOT EXISTS (SELECT 1 FROM phone_norm n WHERE n.raw = a.raw AND n.region = a.region)`);
  const [{ todo }] = await db.all<{ todo: number }>('SELECT count(*) AS todo FROM crmq_phone_todo');
  if (todo === 0) return;
  onPhase?.(`phones: ${todo.toLocaleString('en-US')} new, in SQL`);
  await phonesInSql(db, 'crmq_phone_todo', 'crmq_phone_sql');
  await db.run('INSERT INTO phone_norm SELECT raw, region, e164 FROM crmq_phone_sql');
  // (one row in crmq_phone_sql per distinct (raw, region) of the todo list that SQL parsed: the rest is the difference)
  const [{ sql }] = await db.all<{ sql: number }>('SELECT count(*) AS sql FROM crmq_phone_sql');
  const rest = todo - sql;
  if (rest > 0) {
    onPhase?.(`phones: ${rest.toLocaleString('en-US')} of ${todo.toLocaleString('en-US')} by libphonenumber`);
    await db.run(`INSERT INTO phone_norm SELECT raw, region, crmq_phone_e164(raw, region) FROM crmq_phone_todo ANTI JOIN crmq_phone_sql USING (raw, region)`);
  }
  await db.run('DROP TABLE crmq_phone_todo; DROP TABLE crmq_phone_sql');
}

/** Registers the helpers on this connection and brings the caches up to date. */
export async function prepareNormalization(db: Db, opts: NormalizeOptions, onPhase?: (label: string) => void): Promise<void> {
  const { DuckDBScalarFunction, VARCHAR } = duckdb;
  db.conn.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: 'crmq_phone_e164',
      mainFunction: (_info, input, output) => {
        const raw = input.getColumnVector(0);
        const region = input.getColumnVector(1);
        for (let i = 0; i < input.rowCount; i++) output.setItem(i, phoneE164(raw.getItem(i) as string | null, region.getItem(i) as string | null));
        output.flush();
      },
      returnType: VARCHAR,
      parameterTypes: [VARCHAR, VARCHAR],
    }),
  );
  // Domains as DNS sees them (punycode, xn--…) for the RFC length limits; called only for non-ASCII domains.
  db.conn.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: 'crmq_idn_to_ascii',
      mainFunction: (_info, input, output) => {
        const d = input.getColumnVector(0);
        for (let i = 0; i < input.rowCount; i++) {
          const v = d.getItem(i) as string | null;
          // '' from domainToASCII: not a valid IDNA name (no DNS could hold it), so the address fails.
          output.setItem(i, v === null ? null : domainToASCII(v) || null);
        }
        output.flush();
      },
      returnType: VARCHAR,
      parameterTypes: [VARCHAR],
    }),
  );
  await db.run(MACROS);
  // The phone region of each source: config first, then the preset it was imported with, then the default.
  const sources = await db.all<{ source: string; preset: string }>(`SELECT source, arg_max(preset, import_id) AS preset FROM imports GROUP BY source`);
  const rows = sources.map((s) => {
    const region = opts.regions[s.source] ?? PRESET_REGIONS[s.preset.split('+')[0]] ?? opts.defaultRegion;
    return `(${lit(s.source)}, ${lit(region)})`;
  });
  await db.run(`CREATE OR REPLACE TEMP TABLE source_regions (source VARCHAR, region VARCHAR)`);
  if (rows.length) await db.run(`INSERT INTO source_regions VALUES ${rows.join(', ')}`);
  // Every phone of every entity, with its E.164 form (NULL when libphonenumber says it is not a valid number).
  const phoneTables = ENTITIES.filter((e) => 'phones' in fieldsOf(e));
  const all = phoneTables
    .map((e) => `SELECT ${lit(e)} AS entity, source, source_id, unnest(phones) AS raw, generate_subscripts(phones, 1) AS pos FROM ${e}`)
    .join(' UNION ALL ');
  if (db.readOnly) {
    // A read-only connection (crmq check runs the rules on one): the cache is a temp copy, stored by persistNormalization.
    const [{ n }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'phone_norm'`);
    await db.run(`CREATE OR REPLACE TEMP TABLE phone_norm AS ${n ? 'SELECT * FROM main.phone_norm' : 'SELECT NULL::VARCHAR AS raw, NULL::VARCHAR AS region, NULL::VARCHAR AS e164 WHERE false'}`);
  } else {
    await db.run(`CREATE TABLE IF NOT EXISTS phone_norm (raw VARCHAR, region VARCHAR, e164 VARCHAR)`);
  }
  await db.run(`CREATE OR REPLACE TEMP TABLE all_phones AS SELECT a.*, coalesce(r.region, ${lit(opts.defaultRegion)}) AS region FROM (${all}) a LEFT JOIN source_regions r USING (source)`);
  await normalizePhones(db, onPhase);
  await db.run(`CREATE OR REPLACE TEMP TABLE phone_keys AS
    SELECT a.entity, a.source, a.source_id, a.raw, a.pos, n.e164 FROM all_phones a JOIN phone_norm n USING (raw, region)`);
  // (every phone of every record: phone_keys holds what is read later, and at millions of records this would
  // take the memory a dedupe or check needs next)
  await db.run('DROP TABLE all_phones');
}

/** After a read-only run (and db.upgrade()), keeps the phones parsed on the way in the database's cache. */
export async function persistNormalization(db: Db): Promise<void> {
  const [{ n }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM duckdb_tables() WHERE temporary AND table_name = 'phone_norm'`);
  if (!n) return;
  await db.run(`CREATE TABLE IF NOT EXISTS main.phone_norm (raw VARCHAR, region VARCHAR, e164 VARCHAR)`);
  await db.run(`INSERT INTO main.phone_norm SELECT DISTINCT t.raw, t.region, t.e164 FROM temp.main.phone_norm t
    WHERE NOT EXISTS (SELECT 1 FROM main.phone_norm n WHERE n.raw = t.raw AND n.region = t.region)`);
}
