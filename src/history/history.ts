// `crmq history`: imports and check runs over time, per source and entity, from the import profiles and the
// findings' history (first and last seen, resolved): counts, fill rates, findings by rule and severity, duplicates.
import type { Db } from '../db/database.js';
import { lit } from '../db/sql.js';

export interface HistoryOptions {
  source?: string;
  entity?: string;
  /** The last this many imports and check runs (default 50). */
  limit?: number;
}

export interface ImportPoint {
  import_id: number;
  at: string;
  source: string;
  entity: string;
  file: string;
  /** A whole export (a file); false for a page of crmq pull. */
  complete: boolean | null;
  rows: number;
  rows_change: number | null;
  rows_new: number | null;
  rows_changed: number | null;
  rows_gone: number | null;
  rejected: number;
  /** Mean fill rate (percent) over the fields this source ever filled for the entity. */
  fill: number | null;
  /** Drift findings raised about this import (open or since resolved). */
  drift: number;
  /** Fill rate per field (percent). */
  fields: Record<string, number>;
}

export interface RunPoint {
  run_id: number;
  at: string;
  rules: number;
  findings: number;
  error: number;
  warn: number;
  info: number;
  /** Findings this run found first. */
  new: number;
  /** Findings a previous run found and this one did not. */
  resolved: number;
  /** Findings of the duplicate rules (unique, fuzzy-duplicate). */
  duplicates: number;
  /** Findings of the drift rules. */
  drift: number;
}

export interface RulePoint {
  rule: string;
  severity: string;
  entity: string;
  /** Findings in the latest run, and in the run before it that ran the rule (NULL if none did). */
  latest: number;
  previous: number | null;
  previous_run: number | null;
  open: number;
  resolved: number;
  first_seen: string | null;
}

export interface FindingPoint {
  finding_id: string;
  rule: string;
  severity: string;
  entity: string;
  source: string | null;
  source_id: string | null;
  message: string;
  first_seen: string;
  last_seen: string;
  status: 'open' | 'resolved';
  resolved_at: string | null;
}

export interface History {
  filter: { source: string | null; entity: string | null };
  imports: ImportPoint[];
  runs: RunPoint[];
  rules: RulePoint[];
  findings: FindingPoint[];
  /** More findings than were listed. */
  findings_total: number;
}

export const DRIFT_KINDS = ['schema-change', 'volume-change', 'fill-rate-drop', 'vocabulary-change', 'distribution-shift', 'mass-edit', 'export-staleness'];
const DUPLICATE_KINDS = ['unique', 'fuzzy-duplicate'];
const MAX_FINDINGS = 10_000;
const ts = (x: string) => `strftime(${x}, '%Y-%m-%d %H:%M:%S')`;

export async function loadHistory(db: Db, opts: HistoryOptions = {}): Promise<History> {
  const limit = opts.limit ?? 50;
  const where = (alias: string) =>
    [opts.source ? `${alias}.source = ${lit(opts.source)}` : '', opts.entity ? `${alias}.entity = ${lit(opts.entity)}` : ''].filter(Boolean).join(' AND ') || 'TRUE';
  const imports = await db.all<Omit<ImportPoint, 'fields'> & { fields: string | null }>(`
    WITH tracked AS (SELECT p.source, p.entity, f.field FROM import_fields f JOIN import_profiles p USING (import_id) GROUP BY ALL HAVING max(f.filled) > 0),
    fill AS (SELECT f.import_id, round(avg(100.0 * f.filled / nullif(p.rows, 0)), 1) AS fill,
        json_group_object(f.field, round(100.0 * f.filled / nullif(p.rows, 0), 1)) AS fields
      FROM import_fields f JOIN import_profiles p USING (import_id) JOIN tracked t ON t.source = p.source AND t.entity = p.entity AND t.field = f.field
      GROUP BY f.import_id),
    drift AS (SELECT CAST(split_part(source_id, ':', 2) AS BIGINT) AS import_id, count(*) AS n FROM finding_history
      WHERE source_id LIKE 'import:%' AND rule IN (SELECT rule FROM check_run_rules WHERE kind IN (${DRIFT_KINDS.map(lit).join(', ')})) GROUP BY ALL)
    SELECT i.import_id, ${ts('i.finished_at')} AS at, i.source, i.entity, regexp_extract(i.file, '[^/]+$') AS file, p.complete,
      coalesce(p.rows, i.rows_loaded) AS rows, p.rows - o.rows AS rows_change, p.rows_new, p.rows_changed, p.rows_gone, i.rows_rejected AS rejected,
      fill.fill, coalesce(drift.n, 0) AS drift, CAST(fill.fields AS VARCHAR) AS fields
    FROM imports i LEFT JOIN import_profiles p USING (import_id) LEFT JOIN import_profiles o ON o.import_id = p.prev_import_id
      LEFT JOIN fill USING (import_id) LEFT JOIN drift USING (import_id)
    WHERE ${where('i')}
    QUALIFY row_number() OVER (ORDER BY i.import_id DESC) <= ${limit}
    ORDER BY i.import_id`);
  const scope = (alias: string) => where(alias);
  const runs = await db.all<RunPoint>(`
    WITH r AS (SELECT * FROM check_runs QUALIFY row_number() OVER (ORDER BY run_id DESC) <= ${limit}),
    f AS (SELECT f.run_id, f.severity, k.kind FROM findings f JOIN check_run_rules k USING (run_id, rule) WHERE f.run_id IN (SELECT run_id FROM r) AND ${scope('f')})
    SELECT r.run_id, ${ts('r.started_at')} AS at,
      (SELECT count(*) FROM check_run_rules k WHERE k.run_id = r.run_id AND ${opts.entity ? `k.entity = ${lit(opts.entity)}` : 'TRUE'}) AS rules,
      (SELECT count(*) FROM f WHERE f.run_id = r.run_id) AS findings,
      (SELECT count(*) FROM f WHERE f.run_id = r.run_id AND f.severity = 'error') AS error,
      (SELECT count(*) FROM f WHERE f.run_id = r.run_id AND f.severity = 'warn') AS warn,
      (SELECT count(*) FROM f WHERE f.run_id = r.run_id AND f.severity = 'info') AS info,
      (SELECT count(*) FROM finding_history h WHERE h.first_seen_run = r.run_id AND ${scope('h')}) AS new,
      (SELECT count(*) FROM finding_history h WHERE h.resolved_run = r.run_id AND ${scope('h')}) AS resolved,
      (SELECT count(*) FROM f WHERE f.run_id = r.run_id AND f.kind IN (${DUPLICATE_KINDS.map(lit).join(', ')})) AS duplicates,
      (SELECT count(*) FROM f WHERE f.run_id = r.run_id AND f.kind IN (${DRIFT_KINDS.map(lit).join(', ')})) AS drift
    FROM r ORDER BY r.run_id`);
  const last = runs.at(-1)?.run_id;
  const rules = await db.all<RulePoint>(`
    SELECT k.rule, k.severity, k.entity,
      (SELECT count(*) FROM findings f WHERE f.run_id = k.run_id AND f.rule = k.rule AND ${scope('f')}) AS latest,
      (SELECT count(*) FROM findings f WHERE f.rule = k.rule AND ${scope('f')}
        AND f.run_id = (SELECT max(p.run_id) FROM check_run_rules p WHERE p.rule = k.rule AND p.run_id < k.run_id)) AS previous,
      (SELECT max(p.run_id) FROM check_run_rules p WHERE p.rule = k.rule AND p.run_id < k.run_id) AS previous_run,
      (SELECT count(*) FROM finding_history h WHERE h.rule = k.rule AND h.resolved_run IS NULL AND ${scope('h')}) AS open,
      (SELECT count(*) FROM finding_history h WHERE h.rule = k.rule AND h.resolved_run IS NOT NULL AND ${scope('h')}) AS resolved,
      (SELECT ${ts('min(h.first_seen)')} FROM finding_history h WHERE h.rule = k.rule AND h.resolved_run IS NULL AND ${scope('h')}) AS first_seen
    FROM check_run_rules k WHERE k.run_id = ${last ?? -1} AND ${opts.entity ? `k.entity = ${lit(opts.entity)}` : 'TRUE'}
    ORDER BY latest DESC, open DESC, resolved DESC, k.rule`);
  const [{ n: total }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM finding_history h WHERE ${scope('h')}`);
  const findings = await db.all<FindingPoint>(`
    SELECT finding_id, rule, severity, entity, source, source_id, message, ${ts('first_seen')} AS first_seen, ${ts('last_seen')} AS last_seen,
      CASE WHEN resolved_run IS NULL THEN 'open' ELSE 'resolved' END AS status, ${ts('resolved_at')} AS resolved_at
    FROM finding_history h WHERE ${scope('h')}
    ORDER BY status, last_seen DESC, rule, source, source_id LIMIT ${MAX_FINDINGS}`);
  return {
    filter: { source: opts.source ?? null, entity: opts.entity ?? null },
    imports: imports.map((i) => ({ ...i, fields: Object.fromEntries(Object.entries(i.fields ? (JSON.parse(i.fields) as Record<string, number>) : {}).sort(([a], [b]) => a.localeCompare(b))) })),
    runs, rules: rules.filter((r) => r.latest > 0 || r.open > 0 || r.resolved > 0 || (r.previous ?? 0) > 0).map((r) => ({ ...r, previous: r.previous_run === null ? null : r.previous })),
    findings, findings_total: total,
  };
}
