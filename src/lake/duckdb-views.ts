// duckdb-views.sql, written into every lake: DuckDB (local, or MotherDuck over s3://) sees the lake's tables under
// their crmq names, so `crmq report <id> --sql` runs there unchanged. Paths come from one variable, set first:
//   SET VARIABLE crmq_lake = 's3://bucket/crm-lake';  .read duckdb-views.sql
import { ident, lit } from '../db/sql.js';
import type { Manifest } from './manifest.js';

export function duckdbViews(m: Manifest): string {
  const lines = [
    `-- Views over a crmq lake (crmq ${m.crmq_version}, exported ${m.exported_at}) for DuckDB and MotherDuck.`,
    `-- First: SET VARIABLE crmq_lake = '<this folder, or s3://bucket/prefix>'; then run this file.`,
  ];
  for (const t of m.tables) {
    const files = `getvariable('crmq_lake') || ${lit(`/${t.dir}/**/*.parquet`)}`;
    const drop = t.derived_columns.length ? ` EXCLUDE (${t.derived_columns.map(ident).join(', ')})` : '';
    const name = t.kind === 'report' ? `report_${t.name.slice('reports/'.length).replaceAll('-', '_')}` : t.name;
    lines.push(`CREATE OR REPLACE VIEW ${ident(name)} AS SELECT *${drop} FROM read_parquet(${files}, hive_partitioning = false, union_by_name = true);`);
  }
  if (m.tables.some((t) => t.name === 'findings')) {
    lines.push('CREATE OR REPLACE VIEW latest_findings AS SELECT * FROM findings WHERE run_id = (SELECT max(run_id) FROM check_runs);');
  }
  return lines.join('\n') + '\n';
}
