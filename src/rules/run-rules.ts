// Runs rules as set-based SQL in DuckDB: all row rules of an entity in one scan, each set rule as one query.
// Findings get a stable id (rule + entity + source + source_id) and are stored in `findings` under a run id.
import type { Db } from '../db/database.js';
import { lit } from '../db/sql.js';
import { sqlErrorText } from '../db/sql-error.js';
import { sqlProblems, type SqlToCheck } from '../db/user-sql.js';
import { CrmqError } from '../errors.js';
import { KINDS } from './kinds/index.js';
import type { KindContext } from './kinds/kind.js';
import { persistNormalization, prepareNormalization, type NormalizeOptions } from './normalize.js';
import type { Rule, Severity } from './rule.js';
import type { Semantics } from './semantics.js';
import { exceeds, parseThreshold, describeThreshold } from './threshold.js';

export interface RuleResult {
  rule: string;
  entity: string;
  kind: string;
  severity: Severity;
  description: string;
  file: string;
  /** Rows the rule looked at (the entity, filtered by `where`). */
  checked: number;
  failing: number;
  threshold: string;
  /** The findings cross the threshold. */
  exceeded: boolean;
  seconds: number;
}

export interface RunOutput {
  runId: number;
  results: RuleResult[];
}

/** SQL: the rank of a severity (info 0, warn 1, error 2); NULL ranks highest, so a finding without one takes its rule's. */
const SEVERITY_RANK = (x: string) => `coalesce(CASE ${x} WHEN 'info' THEN 0 WHEN 'warn' THEN 1 WHEN 'error' THEN 2 END, 3)`;

/** A rule's `where` as a parenthesised expression on lines of its own (a trailing `--` comment ends at its line). */
const whereOf = (rule: Rule) => `(\n${rule.where}\n)`;
const rowsOf = (rule: Rule) => `(SELECT * FROM ${rule.entity}${rule.where ? ` WHERE ${whereOf(rule)}` : ''})`;

function sqlError(rule: Rule, err: unknown): CrmqError {
  if (err instanceof CrmqError) return err;
  return new CrmqError(`${rule.file}: rule ${rule.id} failed in SQL: ${sqlErrorText(err)}`);
}

/** The message template with {value}, {detail}, {source}, {source_id} and {cluster} filled in, in SQL. */
const renderMessage = (template: string) =>
  ['value', 'detail', 'source', 'source_id', 'cluster'].reduce((acc, k) => `replace(${acc}, ${lit(`{${k}}`)}, coalesce(CAST(${k} AS VARCHAR), ''))`, lit(template));

export async function runRules(
  db: Db,
  rules: Rule[],
  opts: { semantics?: Semantics; normalize: NormalizeOptions; /** How many rules are done, and what runs now (for a progress line). */ onStep?: (done: number, now: string) => void },
): Promise<RunOutput> {
  const started = new Date();
  let done = 0;
  const step = (now: string) => opts.onStep?.(done, now);
  const rowRules = rules.filter((r) => KINDS[r.kind].row);
  const setRules = rules.filter((r) => KINDS[r.kind].set);
  const entities = [...new Set(rowRules.map((r) => r.entity))];
  const checks = new Map(rowRules.map((r) => [r, KINDS[r.kind].row!(r.params, r)]));
  // A rule author's SQL, checked with DuckDB's parser in one round trip before anything runs: each `where` and each
  // piece of a row check must be one expression (`true; DROP TABLE imports; --` is not one), or the rule does not run.
  // The errors are thrown where each piece would have been checked alone: the wheres first, then each row rule's.
  const wheres: SqlToCheck[] = rules.filter((r) => r.where).map((r) => ({ kind: 'expression', sql: r.where!, where: `${r.file}: where` }));
  const pieces = entities.flatMap((entity) =>
    rowRules.filter((r) => r.entity === entity).flatMap((rule) => {
      const c = checks.get(rule)!;
      return [c.fails, c.value, c.detail].filter((x): x is string => !!x).map((sql) => ({ rule, item: { kind: 'expression', sql, where: `${rule.file}: params` } satisfies SqlToCheck }));
    }),
  );
  const problems = await sqlProblems(db, [...wheres, ...pieces.map((p) => p.item)]);
  const badWhere = problems.slice(0, wheres.length).find((e) => e);
  if (badWhere) throw badWhere;
  /** Each row rule's first bad piece of SQL (thrown at the rule's turn). */
  const paramsProblem = new Map<Rule, Error>();
  pieces.forEach(({ rule }, i) => {
    const e = problems[wheres.length + i];
    if (e && !paramsProblem.has(rule)) paramsProblem.set(rule, e);
  });

  step('phones to E.164');
  await prepareNormalization(db, opts.normalize, step);
  const ctxBase = { db, semantics: opts.semantics };
  await db.run(`CREATE OR REPLACE TEMP TABLE crmq_found (rule VARCHAR, source VARCHAR, source_id VARCHAR, value VARCHAR, detail VARCHAR, cluster VARCHAR, severity VARCHAR)`);
  const seconds = new Map<string, number>();

  // Row rules, batched: one scan per entity evaluates every predicate.
  for (const entity of entities) {
    const batch = rowRules.filter((r) => r.entity === entity);
    for (const rule of batch) {
      // Each piece of SQL must be one expression (checked above), then each rule compiles alone, so an error names its file.
      const bad = paramsProblem.get(rule);
      if (bad) throw bad;
      const check = checks.get(rule)!;
      await db.run(`SELECT ${check.fails}, CAST(${check.value} AS VARCHAR) FROM ${entity}${rule.where ? ` WHERE ${whereOf(rule)}` : ''} LIMIT 0`).catch((e) => {
        throw sqlError(rule, e);
      });
    }
    const t = performance.now();
    step(`${entity}: ${batch.length} row rules`);
    const cond = (r: Rule) => `(${r.where ? `${whereOf(r)} AND ` : ''}(${checks.get(r)!.fails}))`;
    const items = batch.map(
      (r) => `CASE WHEN ${cond(r)} THEN {'rule': ${lit(r.id)}, 'value': CAST(${checks.get(r)!.value} AS VARCHAR), 'detail': CAST(${checks.get(r)!.detail ?? 'NULL'} AS VARCHAR)} END`,
    );
    await db.run(`INSERT INTO crmq_found SELECT f.rule, source, source_id, f.value, f.detail, NULL, NULL FROM (
      SELECT source, source_id, unnest(list_filter([${items.join(', ')}], x -> x IS NOT NULL)) AS f FROM ${entity} WHERE ${batch.map(cond).join(' OR ')})`);
    const share = (performance.now() - t) / 1000 / batch.length;
    for (const r of batch) seconds.set(r.id, share);
    done += batch.length;
  }

  // Set rules: one query each. The kinds build them first (some do work of their own: fuzzy duplicates), then their
  // SQL is checked in one round trip; a rule's error (building, checking or running it) is thrown at its turn.
  const built: { sql?: string; err?: unknown; seconds: number }[] = [];
  for (const rule of setRules) {
    const t = performance.now();
    step(`${rule.id}: build`);
    let sql: string | undefined;
    let err: unknown;
    try {
      sql = await KINDS[rule.kind].set!(rule.params, rule, { ...ctxBase, rows: rowsOf(rule) } satisfies KindContext);
    } catch (e) {
      err = e;
    }
    built.push({ sql, err, seconds: (performance.now() - t) / 1000 });
  }
  const ok = setRules.flatMap((_, i) => (built[i].sql === undefined ? [] : [i]));
  const setProblems = new Map((await sqlProblems(db, ok.map((i) => ({ kind: 'select', sql: built[i].sql!, where: setRules[i].file })))).map((e, k) => [ok[k], e]));
  for (const [i, rule] of setRules.entries()) {
    const t = performance.now();
    step(rule.id);
    const { sql, err } = built[i];
    if (sql === undefined) throw sqlError(rule, err);
    const bad = setProblems.get(i);
    if (bad) throw bad;
    await db.run(`INSERT INTO crmq_found SELECT ${lit(rule.id)}, CAST(source AS VARCHAR), CAST(source_id AS VARCHAR), CAST(value AS VARCHAR), CAST(detail AS VARCHAR), CAST(cluster AS VARCHAR),
        ${KINDS[rule.kind].graded ? 'CAST(severity AS VARCHAR)' : 'NULL'} FROM (\n${sql}\n)`).catch((e) => {
      throw sqlError(rule, e);
    });
    seconds.set(rule.id, built[i].seconds + (performance.now() - t) / 1000);
    done += 1;
  }
  step('rows checked per rule');

  // Rows checked per rule: one aggregate per entity.
  const checked = new Map<string, number>();
  for (const entity of [...new Set(rules.map((r) => r.entity))]) {
    const batch = rules.filter((r) => r.entity === entity);
    const [row] = await db.all<Record<string, number>>(
      `SELECT ${batch.map((r, i) => `count(*)${r.where ? ` FILTER (WHERE ${whereOf(r)})` : ''} AS c${i}`).join(', ')} FROM ${entity}`,
    );
    batch.forEach((r, i) => checked.set(r.id, row[`c${i}`]));
  }
  for (const rule of rules.filter((r) => KINDS[r.kind].checked)) {
    const [{ n }] = await db.all<{ n: number }>(`SELECT (${KINDS[rule.kind].checked!(rule.params, rule, rowsOf(rule))}) AS n`);
    checked.set(rule.id, Number(n));
  }
  const counts = new Map((await db.all<{ rule: string; n: number }>(`SELECT rule, count(*) AS n FROM crmq_found GROUP BY rule`)).map((x) => [x.rule, x.n]));

  // Store the run: the rules' SQL ran on a read-only connection when the caller opened one upgradable.
  if (db.upgrade) {
    await db.upgrade();
    await persistNormalization(db);
  }
  const runId = await db.transaction(async () => {
    const [{ id }] = await db.all<{ id: number }>(`SELECT nextval('check_run_seq') AS id`);
    const meta = rules.map((r) => `(${lit(r.id)}, ${lit(r.severity)}, ${lit(r.entity)}, ${lit(r.message)})`);
    await db.run(`CREATE OR REPLACE TEMP TABLE crmq_rule_meta (rule VARCHAR, severity VARCHAR, entity VARCHAR, template VARCHAR)`);
    if (meta.length) await db.run(`INSERT INTO crmq_rule_meta VALUES ${meta.join(', ')}`);
    const messages = rules.map((r) => `WHEN ${lit(r.id)} THEN ${renderMessage(r.message)}`);
    await db.run(`INSERT INTO findings
      SELECT ${id}, md5(f.rule || '|' || m.entity || '|' || coalesce(f.source, '') || '|' || coalesce(f.source_id, ''))[1:16], f.rule,
        CASE WHEN ${SEVERITY_RANK('f.severity')} < ${SEVERITY_RANK('m.severity')} THEN f.severity ELSE m.severity END, m.entity,
        f.source, f.source_id, ${messages.length ? `CASE f.rule ${messages.join(' ')} END` : "''"}, f.value, f.detail, f.cluster
      FROM crmq_found f JOIN crmq_rule_meta m USING (rule)`);
    const failed = rules.filter((r) => exceeds(parseThreshold(r.fail_if, r.file), counts.get(r.id) ?? 0, checked.get(r.id) ?? 0)).length;
    await db.run(`INSERT INTO check_runs VALUES (${id}, ${lit(started.toISOString())}, ${lit(new Date().toISOString())}, ${rules.length}, ${[...counts.values()].reduce((a, b) => a + b, 0)}, ${failed})`);
    await recordHistory(db, id, rules, checked, counts);
    return id;
  });

  const results = rules.map((r): RuleResult => {
    const t = parseThreshold(r.fail_if, r.file);
    const failing = counts.get(r.id) ?? 0;
    return {
      rule: r.id, entity: r.entity, kind: r.kind, severity: r.severity, description: r.description, file: r.file, checked: checked.get(r.id) ?? 0, failing,
      threshold: describeThreshold(t), exceeded: exceeds(t, failing, checked.get(r.id) ?? 0), seconds: seconds.get(r.id) ?? 0,
    };
  });
  return { runId, results };
}


/**
 * The run's rules, and each finding's history: first and last seen; a finding that a run of its rule no longer finds
 * (fixed in the CRM, or gone with the next export) is resolved by that run, and reopened if it comes back.
 */
async function recordHistory(db: Db, runId: number, rules: Rule[], checked: Map<string, number>, counts: Map<string, number>): Promise<void> {
  const ran = rules.map((r) => `(${runId}, ${lit(r.id)}, ${lit(r.kind)}, ${lit(r.severity)}, ${lit(r.entity)}, ${checked.get(r.id) ?? 0}, ${counts.get(r.id) ?? 0})`);
  if (ran.length) await db.run(`INSERT INTO check_run_rules VALUES ${ran.join(', ')}`);
  const at = `(SELECT started_at FROM check_runs WHERE run_id = ${runId})`;
  const found = `(SELECT finding_id, rule, severity, entity, source, source_id, message FROM findings WHERE run_id = ${runId}
    QUALIFY row_number() OVER (PARTITION BY finding_id ORDER BY message, value) = 1)`;
  await db.run(`UPDATE finding_history h SET severity = f.severity, message = f.message, last_seen_run = ${runId}, last_seen = ${at}, resolved_run = NULL, resolved_at = NULL
    FROM ${found} f WHERE h.finding_id = f.finding_id`);
  await db.run(`INSERT INTO finding_history SELECT finding_id, rule, severity, entity, source, source_id, message, ${runId}, ${at}, ${runId}, ${at}, NULL, NULL
    FROM ${found} f WHERE finding_id NOT IN (SELECT finding_id FROM finding_history)`);
  await db.run(`UPDATE finding_history SET resolved_run = ${runId}, resolved_at = ${at}
    WHERE resolved_run IS NULL AND last_seen_run < ${runId} AND rule IN (SELECT rule FROM check_run_rules WHERE run_id = ${runId})`);
}
