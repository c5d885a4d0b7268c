// What every report can rely on besides the canonical tables: the period as DuckDB variables; the semantic standard as
// temp tables (crmq_stage_map, crmq_channel_map, crmq_lead_status) so SQL can speak in canonical stages and channels;
// owners by name (crmq_owner_names); deals as of the as-of date (crmq_deals_as_of) and their stage visits
// (crmq_stage_visits); the base tables with outlier amounts left out (crmq_<table>) and one row per record
// (crmq_base_<table>, for independent queries).
import type { Db } from '../db/database.js';
import { lit } from '../db/sql.js';
import { CrmqError } from '../errors.js';
import { mapLabel, type Semantics } from '../rules/semantics.js';
import { AMOUNT_TABLES, baseViewsSql, KEPT_TABLES, keptTableSql, outlierRowsSql, outliersSql } from './base-rows.js';
import type { ReportDef } from './report-def.js';
import { relationOf } from './validations/scope.js';
import { newTableGeneration, onceBuilt, setSetupKey } from './query-cache.js';

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
-- The currency of a one-currency report: --param currency (any case), else the most frequent among the period's wins, else among all deals (ties: alphabetical).
SET VARIABLE crmq_report_currency = coalesce(upper(trim(CAST(getvariable('currency') AS VARCHAR))),
  (SELECT currency FROM deals WHERE status = 'won' AND in_period(closed_at) AND currency IS NOT NULL GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1),
  (SELECT currency FROM deals WHERE currency IS NOT NULL GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1), 'RUB');
CREATE OR REPLACE TEMP MACRO report_currency() AS CAST(getvariable('crmq_report_currency') AS VARCHAR);
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
 * Each deal as it stood at the end of the as-of date: the point-in-time definition every report reads (never `deals`).
 * Only deals created by then. Stage, status and close date come from the current values when nothing recorded after
 * the as-of date contradicts them (no stage history entered later, not closed later); otherwise from the last stage
 * history entry on or before the date (`won`/`lost` through the semantic standard, any other stage = open), and for a
 * deal closed later with no earlier history, open in an unknown stage. The deal's own probability, forecast category
 * and loss reason only where its stage is the one it had then. The amount is the current one (crmq keeps no amount
 * history), left out (NULL) when it is an error-severity outlier. `as_of_basis` says which: current, history, close date.
 * Without `extra` (the raw columns): no report reads it, and it is most of a row's bytes.
 */
const DEALS_AS_OF = `CREATE OR REPLACE TEMP TABLE crmq_deals_as_of AS
WITH hist AS (
  -- Per deal: whether any history was entered after the date, and the last entry on or before it (ties: the higher
  -- source_id). One hash aggregate: a window sorting every deal's history cost 0.9 s per 350,000 rows.
  SELECT source, deal_id AS source_id, bool_or(CAST(entered_at AS DATE) > getvariable('as_of')) AS changed_later,
    arg_max_null(stage, (entered_at, source_id)) FILTER (WHERE CAST(entered_at AS DATE) <= getvariable('as_of')) AS h_stage,
    max(entered_at) FILTER (WHERE CAST(entered_at AS DATE) <= getvariable('as_of')) AS h_at
  FROM deal_stage_history GROUP BY ALL),
d AS (
  SELECT d.*, hist.h_stage, hist.h_at, m.value AS h_value,
    coalesce(hist.changed_later, FALSE) OR coalesce(CAST(d.closed_at AS DATE) > getvariable('as_of'), FALSE) AS later
  FROM deals d LEFT JOIN hist USING (source, source_id) LEFT JOIN crmq_stage_map m ON m.source = d.source AND m.stage = hist.h_stage
  WHERE CAST(d.created_at AS DATE) <= getvariable('as_of')),
s AS (
  SELECT *,
    CASE WHEN NOT later THEN status
         WHEN h_value IN ('won', 'lost') THEN h_value
         WHEN h_value IS NOT NULL THEN 'open'
         WHEN closed_at IS NULL OR CAST(closed_at AS DATE) > getvariable('as_of') THEN 'open'
         ELSE status END AS status_at,
    CASE WHEN NOT later THEN stage ELSE h_stage END AS stage_at
  FROM d)
SELECT * EXCLUDE (h_stage, h_at, h_value, later, status_at, stage_at, extra) REPLACE (
    stage_at AS stage,
    status_at AS status,
    CASE WHEN status_at IN ('won', 'lost') THEN CASE WHEN CAST(closed_at AS DATE) <= getvariable('as_of') THEN closed_at ELSE h_at END END AS closed_at,
    CASE WHEN stage_at IS NOT DISTINCT FROM stage THEN probability END AS probability,
    CASE WHEN stage_at IS NOT DISTINCT FROM stage THEN forecast_category END AS forecast_category,
    CASE WHEN status_at = 'lost' THEN lost_reason END AS lost_reason,
    CASE WHEN crmq_left_out('deals', source, source_id) THEN NULL ELSE amount END AS amount),
  CASE WHEN NOT later THEN 'current' WHEN h_value IS NOT NULL OR h_stage IS NOT NULL THEN 'history' ELSE 'close date' END AS as_of_basis
FROM s;`;

/** The error-level findings of the latest check, which coverage counts, once per report run. */
const ERROR_FINDINGS = `CREATE OR REPLACE TEMP TABLE crmq_error_findings AS SELECT DISTINCT entity, source, source_id, rule FROM latest_findings WHERE severity = 'error';`;

/**
 * Every visit of a deal to a canonical stage up to the as-of date: stage history of the deals in crmq_deals_as_of
 * (history of a deal that is not there is left out, and coverage says so) mapped through the standard, repeated
 * same-stage rows collapsed, with the next stage and when the deal left. Funnel, stage velocity and lost revenue read it.
 */
const STAGE_VISITS = `CREATE OR REPLACE TEMP TABLE crmq_stage_visits AS
WITH h AS (
  SELECT * FROM (
    SELECT h.source, h.deal_id, m.value AS stage, m.ord, h.entered_at,
      lag(m.value) OVER (PARTITION BY h.source, h.deal_id ORDER BY h.entered_at, h.source_id) AS prev
    FROM deal_stage_history h JOIN crmq_stage_map m ON m.source = h.source AND m.stage = h.stage
    WHERE CAST(h.entered_at AS DATE) <= getvariable('as_of')
      AND EXISTS (SELECT 1 FROM crmq_deals_as_of d WHERE d.source = h.source AND d.source_id = h.deal_id))
  WHERE prev IS DISTINCT FROM stage)
SELECT source, deal_id, stage, ord, entered_at, lead(stage) OVER w AS next_stage, lead(ord) OVER w AS next_ord, lead(entered_at) OVER w AS left_at
FROM h WINDOW w AS (PARTITION BY source, deal_id ORDER BY entered_at);`;

/**
 * The database's own table under a temp view of the same name, by the name of whatever database the script runs in
 * (current_database()), so the printed setup also runs over a lake's views (docs/lake.md), not only in the crmq file.
 */
const base = (t: string) => `query_table('"' || current_database() || '".main.${t}')`;

/** Tables whose `owner` reports read: within a report they show the owner's name (crmq_owner_names), not a CRM's user id. */
const OWNED = ['contacts', 'companies', 'leads', 'deals', 'deal_stage_history', 'activities', 'invoices'];

/**
 * Owner id or name → the person's name, per source, from the users a pull brought (id, name, e-mail): one name per
 * e-mail across sources (the first source's, by name), so one person owning records in two CRMs is one row.
 * Owners no user matches (file imports name them) stay as written. Then each owned table is shadowed for the
 * report by a view whose `owner` is that name.
 */
function ownerNamesSql(): string {
  const views = OWNED.map((t) =>
    `CREATE OR REPLACE TEMP VIEW ${t} AS SELECT t.* REPLACE (coalesce(n.name, t.owner) AS owner) FROM ${base(t)} t ` +
    `LEFT JOIN crmq_owner_names n ON n.source = t.source AND n.owner = t.owner;`);
  return `CREATE OR REPLACE TEMP TABLE crmq_owner_names AS
WITH u AS (SELECT source, source_id, nullif(trim(name), '') AS name, nullif(lower(trim(email)), '') AS email FROM ${base('users')}),
person AS (SELECT email, arg_min(name, source || chr(1) || source_id) AS name FROM u WHERE email IS NOT NULL AND name IS NOT NULL GROUP BY email),
keyed AS (SELECT source, source_id AS owner, name, email FROM u UNION ALL SELECT source, name, name, email FROM u WHERE name IS NOT NULL)
SELECT k.source, k.owner, min(coalesce(p.name, k.name, k.email)) AS name, min(k.email) AS email
FROM keyed k LEFT JOIN person p ON p.email = k.email GROUP BY k.source, k.owner;
${views.join('\n')}`;
}

/**
 * A semantic standard's labels as a temp table (source, raw, value): the distinct raw values `query` finds, mapped
 * through the standard in JS (mapLabel); empty when the semantics have no such standard. UNION alone de-duplicates:
 * one hash aggregate, not one per SELECT DISTINCT.
 */
async function labelMapSql(db: Db, semantics: Semantics, table: string, standard: string, query: string): Promise<string> {
  const create = `CREATE OR REPLACE TEMP TABLE ${table} (source VARCHAR, raw VARCHAR, value VARCHAR);`;
  const std = semantics.standards[standard];
  if (!std) return create;
  const raw = await db.all<{ source: string; raw: string }>(query);
  const rows = raw.flatMap((r) => {
    const v = mapLabel(std, r.source, r.raw);
    return v ? [`(${lit(r.source)}, ${lit(r.raw)}, ${lit(v)})`] : [];
  });
  return rows.length ? `${create}\nINSERT INTO ${table} VALUES ${rows.join(', ')};` : create;
}

type PartSql = (db: Db, semantics: Semantics) => string | Promise<string>;

/** The part that adds table t's outliers to crmq_outliers. */
const outliersOf = (t: string) => `crmq_outliers_${t}`;

/**
 * The tables built from the data that only some reports read, in the order they are built (what a part needs comes
 * before it): each is built when a report of the run first reads it, once per run. The channel and lead status maps
 * too: most reports read neither, and each costs a scan of its tables. So are each table's outliers: the deals as of
 * the date and `crmq_<table>` leave them out.
 */
const PARTS: { name: string; sql: PartSql; needs?: string[] }[] = [
  ...AMOUNT_TABLES.map((t) => ({ name: outliersOf(t), sql: () => outlierRowsSql(t) })),
  {
    name: 'crmq_channel_map',
    sql: (db, semantics) => labelMapSql(db, semantics, 'crmq_channel_map', 'channel',
      `SELECT source, channel AS raw FROM leads WHERE channel IS NOT NULL UNION SELECT source, channel FROM deals WHERE channel IS NOT NULL
       UNION SELECT source, channel FROM touches WHERE channel IS NOT NULL UNION SELECT source, channel FROM ad_spend WHERE channel IS NOT NULL ORDER BY 1, 2`),
  },
  {
    name: 'crmq_lead_status',
    sql: (db, semantics) => labelMapSql(db, semantics, 'crmq_lead_status', 'lead_status', 'SELECT DISTINCT source, status AS raw FROM leads WHERE status IS NOT NULL ORDER BY 1, 2'),
  },
  { name: 'crmq_deals_as_of', sql: () => DEALS_AS_OF, needs: [outliersOf('deals')] },
  { name: 'crmq_stage_visits', sql: () => STAGE_VISITS, needs: ['crmq_deals_as_of'] },
  ...KEPT_TABLES.map((t) => ({ name: `crmq_${t}`, sql: () => keptTableSql(t), needs: [outliersOf(t)] })),
];

/**
 * The parts a report reads: named in its SQL or its definition's (validations' queries), or the relation its inputs
 * are judged on (relationOf: deals as of the date, `crmq_<table>` for amounts), and what those need; a table's
 * outliers also where the text reads them (crmq_outliers, crmq_left_out('<table>', …), crmq_base_<table>). Without a
 * report, all of them.
 */
export function partsFor(def?: ReportDef): string[] {
  if (!def) return PARTS.map((p) => p.name);
  const text = `${def.sql}\n${JSON.stringify(def)}`;
  const entities = [...def.inputs, ...Object.keys(def.scope), ...def.validations.currency.map((c) => c.entity)];
  const named = new Set([...entities.map(relationOf), ...PARTS.filter((p) => new RegExp(`\\b${p.name}\\b`).test(text)).map((p) => p.name)]);
  for (const t of AMOUNT_TABLES) {
    if (new RegExp(`\\bcrmq_outliers\\b|\\bcrmq_base_${t}\\b|crmq_left_out\\(\\s*'${t}'`).test(text)) named.add(outliersOf(t));
  }
  // Backwards: a part needs only parts before it, so one pass adds what the needed ones need in turn.
  for (const p of [...PARTS].reverse()) if (named.has(p.name)) for (const n of p.needs ?? []) named.add(n);
  return PARTS.filter((p) => named.has(p.name)).map((p) => p.name);
}

async function partSql(db: Db, semantics: Semantics, names: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of PARTS) if (names.includes(p.name)) out.push(await p.sql(db, semantics));
  return out;
}

/**
 * The setup a report's SQL runs after, as one script: variables, macros, the semantic standard as temp tables and the
 * views above, and the tables built from the data that the report reads (all of them without `def`). `crmq report
 * <id> --sql` prints it with the query, to run by hand.
 */
export async function reportSetupSql(db: Db, period: Period, params: Record<string, unknown>, semantics: Semantics, def?: ReportDef): Promise<string> {
  const { light, heavy } = await setupParts(db, period, params, semantics);
  return [light, await heavy(), ...(await partSql(db, semantics, partsFor(def)))].join('\n');
}

/**
 * The setup in two parts: variables and macros (cheap, per report), and what is built from the data for every report
 * (the semantic maps, owners, outliers, the base views, the error findings), which depends only on the as-of date and
 * the outliers choice. The tables only some reports read are PARTS.
 */
async function setupParts(db: Db, period: Period, params: Record<string, unknown>, semantics: Semantics) {
  // Every variable once, defaults first, sorted: reports whose settings are the same get the same setup text (and share answers).
  const vars: Record<string, unknown> = { currency: null, outliers: 'exclude', ...params };
  for (const k of Object.keys(params)) if (!/^[a-z_][a-z0-9_]*$/.test(k)) throw new CrmqError(`report parameter "${k}": use lower-case letters, digits and _`);
  const out = [
    `SET VARIABLE period_start = DATE ${lit(period.start)};`,
    `SET VARIABLE period_end = DATE ${lit(period.end)};`,
    `SET VARIABLE as_of = DATE ${lit(period.asOf)};`,
    ...Object.keys(vars).sort().map((k) => {
      const v = vars[k];
      return `SET VARIABLE ${k} = ${v === null ? 'NULL' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : lit(String(v))};`;
    }),
  ];
  if (params.outliers !== undefined && !['include', 'exclude'].includes(String(params.outliers))) throw new CrmqError(`--param outliers: "${String(params.outliers)}" is not include or exclude`);
  out.push(MACROS.trim());
  const key = JSON.stringify([period.asOf, params.outliers === 'include']);
  const heavy = async () => {
    const h: string[] = [];
    h.push('CREATE OR REPLACE TEMP TABLE crmq_stage_map (source VARCHAR, stage VARCHAR, value VARCHAR, ord INTEGER, probability DOUBLE);');
    const stages = semantics.standards.deal_stage;
    if (stages) {
      const raw = await db.all<{ source: string; stage: string }>(
        'SELECT source, stage FROM deals WHERE stage IS NOT NULL UNION SELECT source, stage FROM deal_stage_history WHERE stage IS NOT NULL ORDER BY 1, 2',
      );
      const rows = raw.flatMap((r) => {
        const v = mapLabel(stages, r.source, r.stage);
        if (!v) return [];
        const def = stages.values[v];
        return [`(${lit(r.source)}, ${lit(r.stage)}, ${lit(v)}, ${def.order ?? 'NULL'}, ${def.probability ?? 'NULL'})`];
      });
      if (rows.length) h.push(`INSERT INTO crmq_stage_map VALUES ${rows.join(', ')};`);
    }
    // Owner names first: the owned tables' views they create are what the as-of, outlier and base views read.
    h.push(ownerNamesSql(), outliersSql(), baseViewsSql(), ERROR_FINDINGS);
    return h.join('\n');
  };
  return { light: out.join('\n'), heavy, key };
}

/** The tables built from the data are rebuilt only when the as-of date or the outliers choice changes (or the semantics). */
const built = new WeakMap<Db, { key: string; semantics: Semantics; n: number; light: string }>();

/**
 * Prepares the connection for a report: its variables and macros, and the tables built from the data, once per run:
 * with `def`, only the tables that report reads (later reports of the run add theirs); without, all of them.
 */
export async function prepareReportContext(db: Db, period: Period, params: Record<string, unknown>, semantics: Semantics, def?: ReportDef): Promise<void> {
  const { light, heavy, key } = await setupParts(db, period, params, semantics);
  let last = built.get(db);
  // The variables and macros stay set on the connection: a report with the same settings as the one before it does not
  // run them again (the report currency alone scans the deals twice).
  if (last?.light !== light) await db.run(light);
  if (last?.key !== key || last.semantics !== semantics) {
    await db.run(await heavy());
    newTableGeneration(db);
    built.set(db, (last = { key, semantics, n: (last?.n ?? 0) + 1, light }));
  }
  last.light = light;
  // In PARTS order (the stage visits read the deals as of the date); each once since the tables were last rebuilt.
  const wanted = partsFor(def);
  for (const p of PARTS) if (wanted.includes(p.name)) await onceBuilt(db, p.name, () => p.sql(db, semantics));
  setSetupKey(db, `${last.n}\n${light}`);
}
