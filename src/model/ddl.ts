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
`;

/** ALTER statements for the canonical columns a database lacks (`have`: "table.column"), or '' when it has them all. */
export function addedColumnsDdl(have: Set<string>): string {
  return Object.entries(TABLES)
    .flatMap(([name, def]) => Object.entries((def as TableDef).fields).filter(([col]) => !have.has(`${name}.${col}`)).map(([col, f]) => `ALTER TABLE ${name} ADD COLUMN ${col} ${sqlType(f.type)};`))
    .join('\n');
}

export function schemaDdl(): string {
  const tables = Object.entries(TABLES).map(([name, def]) => tableDdl(name, def as TableDef));
  return [BOOKKEEPING_DDL, PULLS_DDL, FINDINGS_DDL, ...tables].join('\n');
}

export { LINEAGE };
