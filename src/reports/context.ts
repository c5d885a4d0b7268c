// What every report can rely on besides the canonical tables: the period as DuckDB variables, the semantic
// standard as temp tables (crmq_stage_map, crmq_channel_map, crmq_lead_status, crmq_stage_visits) so SQL can speak in
// canonical stages and channels, and owners by name (crmq_owner_names).
import type { Db } from '../db/database.js';
import { ident, lit } from '../db/sql.js';
import { CrmqError } from '../errors.js';
import { mapLabel, type Semantics } from '../rules/semantics.js';

export interface Period {
  start: string;
  end: string;
  asOf: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;
const iso = (d: Date) => d.toISOString().slice(0, 10);

/** --from/--to/--as-of: the period defaults to the last full calendar month before as-of (today). */
export function resolvePeriod(opts: { from?: string; to?: string; asOf?: string }): Period {
  for (const [flag, v] of [['--from', opts.from], ['--to', opts.to], ['--as-of', opts.asOf]] as const) {
    if (v !== undefined && (!ISO.test(v) || Number.isNaN(Date.parse(v)))) throw new CrmqError(`${flag}: "${v}" is not a date (YYYY-MM-DD)`);
  }
  const asOf = opts.asOf ?? iso(new Date());
  const a = new Date(`${asOf}T00:00:00Z`);
  const lastMonthStart = new Date(Date.UTC(a.getUTCFullYear(), a.getUTCMonth() - 1, 1));
  const lastMonthEnd = new Date(Date.UTC(a.getUTCFullYear(), a.getUTCMonth(), 0));
  const start = opts.from ?? iso(lastMonthStart);
  const end = opts.to ?? (opts.from ? asOf : iso(lastMonthEnd));
  if (start > end) throw new CrmqError(`--from ${start} is after --to ${end}`);
  return { start, end, asOf };
}

/** Macros every report SQL may use. */
const MACROS = `
CREATE OR REPLACE TEMP MACRO in_period(t) AS CAST(t AS DATE) BETWEEN getvariable('period_start') AND getvariable('period_end');
CREATE OR REPLACE TEMP MACRO report_currency() AS coalesce(CAST(getvariable('currency') AS VARCHAR),
  (SELECT mode(currency) FROM deals WHERE status = 'won' AND in_period(closed_at)), (SELECT mode(currency) FROM deals), 'RUB');
-- Minutes between a and b that fall on Monday–Friday, 9:00–18:00: the partial first and last days, plus 540 a weekday between.
CREATE OR REPLACE TEMP MACRO crmq_weekdays_before(d) AS (date_diff('day', DATE '2001-01-01', d) // 7) * 5 + least(date_diff('day', DATE '2001-01-01', d) % 7, 5);
CREATE OR REPLACE TEMP MACRO crmq_day_minutes(d, x, y) AS CASE WHEN isodow(d) <= 5
  THEN greatest(0, epoch(least(y, d + INTERVAL 18 HOUR) - greatest(x, d + INTERVAL 9 HOUR)) / 60) ELSE 0 END;
CREATE OR REPLACE TEMP MACRO business_minutes(a, b) AS CASE
  WHEN a IS NULL OR b IS NULL OR b <= a THEN NULL
  WHEN CAST(a AS DATE) = CAST(b AS DATE) THEN crmq_day_minutes(CAST(a AS DATE)::TIMESTAMP, a, b)
  ELSE crmq_day_minutes(CAST(a AS DATE)::TIMESTAMP, a, b) + crmq_day_minutes(CAST(b AS DATE)::TIMESTAMP, a, b)
    + 540 * (crmq_weekdays_before(CAST(b AS DATE)) - crmq_weekdays_before(CAST(a AS DATE) + 1)) END;
`;

/**
 * Every visit of a deal to a canonical stage: stage history mapped through the standard, repeated same-stage rows
 * collapsed, with the next stage and when the deal left. Funnel, stage velocity and lost revenue read it.
 */
const STAGE_VISITS = `CREATE OR REPLACE TEMP VIEW crmq_stage_visits AS
WITH h AS (
  SELECT * FROM (
    SELECT h.source, h.deal_id, m.value AS stage, m.ord, h.entered_at,
      lag(m.value) OVER (PARTITION BY h.source, h.deal_id ORDER BY h.entered_at, h.source_id) AS prev
    FROM deal_stage_history h JOIN crmq_stage_map m ON m.source = h.source AND m.stage = h.stage)
  WHERE prev IS DISTINCT FROM stage)
SELECT source, deal_id, stage, ord, entered_at, lead(stage) OVER w AS next_stage, lead(ord) OVER w AS next_ord, lead(entered_at) OVER w AS left_at
FROM h WINDOW w AS (PARTITION BY source, deal_id ORDER BY entered_at);`;

/** Tables whose `owner` reports read: within a report they show the owner's name (crmq_owner_names), not a CRM's user id. */
const OWNED = ['contacts', 'companies', 'leads', 'deals', 'deal_stage_history', 'activities', 'invoices'];

/**
 * Owner id or name → the person's name, per source, from the users a pull brought (id, name, e-mail): one name per
 * e-mail across sources (the first source's, by name), so one person owning records in two CRMs is one row.
 * Owners no user matches (file imports name them) stay as written. Then each owned table is shadowed for the
 * report by a view whose `owner` is that name.
 */
function ownerNamesSql(catalog: string): string {
  const views = OWNED.map((t) =>
    `CREATE OR REPLACE TEMP VIEW ${t} AS SELECT t.* REPLACE (coalesce(n.name, t.owner) AS owner) FROM ${ident(catalog)}.main.${t} t ` +
    `LEFT JOIN crmq_owner_names n ON n.source = t.source AND n.owner = t.owner;`);
  return `CREATE OR REPLACE TEMP TABLE crmq_owner_names AS
WITH u AS (SELECT source, source_id, nullif(trim(name), '') AS name, nullif(lower(trim(email)), '') AS email FROM ${ident(catalog)}.main.users),
person AS (SELECT email, arg_min(name, source || chr(1) || source_id) AS name FROM u WHERE email IS NOT NULL AND name IS NOT NULL GROUP BY email),
keyed AS (SELECT source, source_id AS owner, name, email FROM u UNION ALL SELECT source, name, name, email FROM u WHERE name IS NOT NULL)
SELECT k.source, k.owner, min(coalesce(p.name, k.name, k.email)) AS name, min(k.email) AS email
FROM keyed k LEFT JOIN person p ON p.email = k.email GROUP BY k.source, k.owner;
${views.join('\n')}`;
}

/**
 * The setup a report's SQL runs after, as one script: variables, macros, and the semantic standard as temp tables
 * (crmq_stage_map, crmq_channel_map, crmq_lead_status, crmq_stage_visits). `crmq report <id> --sql` prints it with the query, to run by hand.
 */
export async function reportSetupSql(db: Db, period: Period, params: Record<string, unknown>, semantics: Semantics): Promise<string> {
  const out = [
    `SET VARIABLE period_start = DATE ${lit(period.start)};`,
    `SET VARIABLE period_end = DATE ${lit(period.end)};`,
    `SET VARIABLE as_of = DATE ${lit(period.asOf)};`,
  ];
  for (const [k, v] of Object.entries(params)) {
    if (!/^[a-z_][a-z0-9_]*$/.test(k)) throw new CrmqError(`report parameter "${k}": use lower-case letters, digits and _`);
    out.push(`SET VARIABLE ${k} = ${v === null ? 'NULL' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : lit(String(v))};`);
  }
  out.push(MACROS.trim());
  out.push('CREATE OR REPLACE TEMP TABLE crmq_stage_map (source VARCHAR, stage VARCHAR, value VARCHAR, ord INTEGER, probability DOUBLE);');
  const stages = semantics.standards.deal_stage;
  if (stages) {
    const raw = await db.all<{ source: string; stage: string }>(
      'SELECT DISTINCT source, stage FROM deals WHERE stage IS NOT NULL UNION SELECT DISTINCT source, stage FROM deal_stage_history WHERE stage IS NOT NULL ORDER BY 1, 2',
    );
    const rows = raw.flatMap((r) => {
      const v = mapLabel(stages, r.source, r.stage);
      if (!v) return [];
      const def = stages.values[v];
      return [`(${lit(r.source)}, ${lit(r.stage)}, ${lit(v)}, ${def.order ?? 'NULL'}, ${def.probability ?? 'NULL'})`];
    });
    if (rows.length) out.push(`INSERT INTO crmq_stage_map VALUES ${rows.join(', ')};`);
  }
  const labelMap = async (table: string, standard: string, query: string) => {
    out.push(`CREATE OR REPLACE TEMP TABLE ${table} (source VARCHAR, raw VARCHAR, value VARCHAR);`);
    const std = semantics.standards[standard];
    if (!std) return;
    const raw = await db.all<{ source: string; raw: string }>(query);
    const rows = raw.flatMap((r) => {
      const v = mapLabel(std, r.source, r.raw);
      return v ? [`(${lit(r.source)}, ${lit(r.raw)}, ${lit(v)})`] : [];
    });
    if (rows.length) out.push(`INSERT INTO ${table} VALUES ${rows.join(', ')};`);
  };
  await labelMap(
    'crmq_channel_map',
    'channel',
    `SELECT DISTINCT source, channel AS raw FROM leads WHERE channel IS NOT NULL UNION SELECT DISTINCT source, channel FROM deals WHERE channel IS NOT NULL
     UNION SELECT DISTINCT source, channel FROM touches WHERE channel IS NOT NULL UNION SELECT DISTINCT source, channel FROM ad_spend WHERE channel IS NOT NULL ORDER BY 1, 2`,
  );
  await labelMap('crmq_lead_status', 'lead_status', 'SELECT DISTINCT source, status AS raw FROM leads WHERE status IS NOT NULL ORDER BY 1, 2');
  out.push(STAGE_VISITS);
  const [{ catalog }] = await db.all<{ catalog: string }>('SELECT current_database() AS catalog');
  out.push(ownerNamesSql(catalog));
  return out.join('\n');
}

export async function prepareReportContext(db: Db, period: Period, params: Record<string, unknown>, semantics: Semantics): Promise<void> {
  await db.run(await reportSetupSql(db, period, params, semantics));
}
