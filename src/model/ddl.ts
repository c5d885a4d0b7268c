import { LINEAGE, TABLES, type FieldType, type TableDef } from './tables.js';

const SQL_TYPES: Record<FieldType, string> = {
  text: 'VARCHAR',
  list: 'VARCHAR[]',
  int: 'BIGINT',
  decimal: 'DECIMAL(18,2)',
  timestamp: 'TIMESTAMP',
  date: 'DATE',
  bool: 'BOOLEAN',
  currency: 'VARCHAR',
};

export function sqlType(type: FieldType): string {
  return SQL_TYPES[type];
}

function tableDdl(name: string, def: TableDef): string {
  const cols = [
    'source VARCHAR NOT NULL',
    'source_id VARCHAR NOT NULL',
    'import_id BIGINT NOT NULL',
    'source_line BIGINT',
    ...Object.entries(def.fields).map(([col, f]) => `${col} ${sqlType(f.type)}`),
    'extra JSON',
  ];
  return `CREATE TABLE IF NOT EXISTS ${name} (\n  ${cols.join(',\n  ')}\n);`;
}

/** Bookkeeping tables: one row per import run, one row per rejected input row. */
export const BOOKKEEPING_DDL = `
CREATE SEQUENCE IF NOT EXISTS import_id_seq START 1;
CREATE TABLE IF NOT EXISTS imports (
  import_id BIGINT PRIMARY KEY,
  source VARCHAR NOT NULL,
  entity VARCHAR NOT NULL,
  file VARCHAR NOT NULL,
  sha256 VARCHAR NOT NULL,
  preset VARCHAR NOT NULL,
  encoding VARCHAR,
  delimiter VARCHAR,
  rows_read BIGINT NOT NULL,
  rows_loaded BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  rows_replaced BIGINT NOT NULL DEFAULT 0,
  warnings JSON,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS rejects (
  import_id BIGINT NOT NULL,
  source VARCHAR NOT NULL,
  entity VARCHAR NOT NULL,
  file VARCHAR NOT NULL,
  line BIGINT,
  reason VARCHAR NOT NULL,
  raw VARCHAR
);
`;

/**
 * `crmq pull` runs, one row per CRM entity pulled: the checkpoint. `cursor` is where the next page starts,
 * written in the same transaction as the page's records, so a crash resumes exactly after the last commit.
 */
export const PULLS_DDL = `
CREATE SEQUENCE IF NOT EXISTS pull_id_seq START 1;
CREATE TABLE IF NOT EXISTS pulls (
  pull_id BIGINT PRIMARY KEY,
  crm VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  entity VARCHAR NOT NULL,
  target VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  since TIMESTAMP,
  cursor JSON,
  pages BIGINT NOT NULL DEFAULT 0,
  records BIGINT NOT NULL DEFAULT 0,
  rejected BIGINT NOT NULL DEFAULT 0,
  deleted BIGINT NOT NULL DEFAULT 0,
  watermark VARCHAR,
  error VARCHAR,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP
);
`;

/** Results of `crmq check`: one row per run, one per finding. */
export const FINDINGS_DDL = `
CREATE SEQUENCE IF NOT EXISTS check_run_seq START 1;
CREATE TABLE IF NOT EXISTS check_runs (
  run_id BIGINT PRIMARY KEY,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP NOT NULL,
  rules BIGINT NOT NULL,
  findings BIGINT NOT NULL,
  failed_rules BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
  run_id BIGINT NOT NULL,
  finding_id VARCHAR NOT NULL,
  rule VARCHAR NOT NULL,
  severity VARCHAR NOT NULL,
  entity VARCHAR NOT NULL,
  source VARCHAR,
  source_id VARCHAR,
  message VARCHAR NOT NULL,
  value VARCHAR,
  detail VARCHAR,
  cluster VARCHAR
);
CREATE OR REPLACE VIEW latest_findings AS SELECT * FROM findings WHERE run_id = (SELECT max(run_id) FROM check_runs);
-- Which rules each run ran, and what they found: a finding a later run of its rule no longer finds is resolved.
CREATE TABLE IF NOT EXISTS check_run_rules (
  run_id BIGINT NOT NULL,
  rule VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  severity VARCHAR NOT NULL,
  entity VARCHAR NOT NULL,
  checked BIGINT NOT NULL,
  failing BIGINT NOT NULL
);
-- Every finding ever found, once: when it was first and last seen, and when a run of its rule stopped finding it.
CREATE TABLE IF NOT EXISTS finding_history (
  finding_id VARCHAR NOT NULL,      -- one row per id (kept by run-rules.ts; no index: a batch join is faster)
  rule VARCHAR NOT NULL,
  severity VARCHAR NOT NULL,
  entity VARCHAR NOT NULL,
  source VARCHAR,
  source_id VARCHAR,
  message VARCHAR NOT NULL,
  first_seen_run BIGINT NOT NULL,
  first_seen TIMESTAMP NOT NULL,
  last_seen_run BIGINT NOT NULL,
  last_seen TIMESTAMP NOT NULL,
  resolved_run BIGINT,
  resolved_at TIMESTAMP
);
`;

/**
 * The profile of each import (src/import/import-profile.ts), written in the import's transaction: what drift rules,
 * `crmq import`'s "what differs" lines and `crmq history` compare. Small: a row per import, per header and per
 * field, and at most a few hundred values per vocabulary field.
 */
export const PROFILE_DDL = `
CREATE TABLE IF NOT EXISTS import_profiles (
  import_id BIGINT PRIMARY KEY,
  source VARCHAR NOT NULL,
  entity VARCHAR NOT NULL,
  complete BOOLEAN NOT NULL,        -- a whole export (a file); false for a page of crmq pull
  prev_import_id BIGINT,            -- the complete import of the same source and entity it was compared with
  rows BIGINT NOT NULL,             -- rows loaded
  rows_new BIGINT NOT NULL,         -- source_ids the compared rows did not have
  rows_changed BIGINT NOT NULL,     -- source_ids present in both with a canonical field changed
  rows_same BIGINT NOT NULL,
  rows_gone BIGINT,                 -- compared source_ids missing from this export (NULL for a pull page)
  compared_rows BIGINT NOT NULL,    -- rows it was compared with
  max_updated_at TIMESTAMP,
  sample DOUBLE NOT NULL,           -- share of the records in both whose content was compared (1: all; changed counts are scaled)
  seconds DOUBLE NOT NULL
);
CREATE TABLE IF NOT EXISTS import_headers (
  import_id BIGINT NOT NULL,
  position INTEGER NOT NULL,
  header VARCHAR NOT NULL,
  field VARCHAR,                    -- the canonical field it feeds, NULL when kept in extra
  filled BIGINT NOT NULL,
  sketch UBIGINT[]                  -- the smallest hashes of its distinct values, for rename suggestions
);
CREATE TABLE IF NOT EXISTS import_fields (
  import_id BIGINT NOT NULL,
  field VARCHAR NOT NULL,
  filled BIGINT NOT NULL,
  distinct_values BIGINT,
  min_value VARCHAR,                -- dates, timestamps and numbers
  max_value VARCHAR,
  changed BIGINT                    -- rows present in both imports whose value changed
);
CREATE TABLE IF NOT EXISTS import_amounts (
  import_id BIGINT NOT NULL,
  field VARCHAR NOT NULL,
  currency VARCHAR,
  rows BIGINT NOT NULL,
  median DOUBLE,
  p95 DOUBLE
);
CREATE TABLE IF NOT EXISTS import_values (
  import_id BIGINT NOT NULL,
  field VARCHAR NOT NULL,
  value VARCHAR NOT NULL,
  rows BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS import_transitions (
  import_id BIGINT NOT NULL,
  field VARCHAR NOT NULL,
  old_value VARCHAR,
  new_value VARCHAR,
  rows BIGINT NOT NULL
);
`;

/** ALTER statements for the canonical columns a database lacks (`have`: "table.column"), or '' when it has them all. */
export function addedColumnsDdl(have: Set<string>): string {
  return Object.entries(TABLES)
    .flatMap(([name, def]) => Object.entries((def as TableDef).fields).filter(([col]) => !have.has(`${name}.${col}`)).map(([col, f]) => `ALTER TABLE ${name} ADD COLUMN ${col} ${sqlType(f.type)};`))
    .join('\n');
}

export function schemaDdl(): string {
  const tables = Object.entries(TABLES).map(([name, def]) => tableDdl(name, def as TableDef));
  return [BOOKKEEPING_DDL, PULLS_DDL, FINDINGS_DDL, PROFILE_DDL, ...tables].join('\n');
}

export { LINEAGE };
