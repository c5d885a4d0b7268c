// SQL written by users (rule files, report definitions) is checked with DuckDB's own parser before it runs:
// a query must be exactly one SELECT statement, a rule's `where`/`check`/`show` exactly one expression. Nothing
// else gets through: no second statement, no DROP, no breaking out of the expression into the query around it.
// Reports and the rules of `crmq check` also run on a read-only connection (database.ts), so even a statement
// that slipped through could not change the user's tables.
import { CrmqError } from '../errors.js';
import type { Db, Row } from './database.js';
import { lit } from './sql.js';

interface Node {
  type: string;
  select_list?: unknown[];
  from_table?: { type: string };
  where_clause?: unknown;
  group_expressions?: unknown[];
  having?: unknown;
  qualify?: unknown;
  modifiers?: unknown[];
  cte_map?: { map: unknown[] };
}

type Parsed = { error: boolean; error_message?: string; statements?: { node: Node }[] };

/** What DuckDB's parser makes of each text, asked in one query (each question is a round trip). */
async function parse(db: Db, texts: string[]): Promise<Parsed[]> {
  if (!texts.length) return [];
  const [row] = await db.all<Record<string, string>>(`SELECT ${texts.map((t, i) => `json_serialize_sql(${lit(t)}) AS j${i}`).join(', ')}`);
  return texts.map((_, i) => JSON.parse(row[`j${i}`]) as Parsed);
}

/** What checkSql checks: a query (exactly one SELECT statement) or an expression. */
export interface SqlToCheck {
  kind: 'select' | 'expression';
  sql: string;
  /** Where it was written, for the error: `file: path`. */
  where: string;
}

/** Why one parsed text is not what it must be (not SQL, not one SELECT, not one expression alone), or undefined. */
function problem(x: SqlToCheck, parsed: Parsed): CrmqError | undefined {
  if (parsed.error) {
    const msg = parsed.error_message ?? 'cannot be parsed';
    if (/only select statements/i.test(msg)) return new CrmqError(`${x.where}: must be a single SELECT statement (it may only read the database)`);
    return new CrmqError(`${x.where}: not valid SQL: ${msg.split('\n')[0]}`);
  }
  const nodes = (parsed.statements ?? []).map((s) => s.node);
  if (x.kind === 'select') return nodes.length === 1 ? undefined : new CrmqError(`${x.where}: must be a single SELECT statement, not ${nodes.length}`);
  const n = nodes[0];
  const alone =
    nodes.length === 1 && n.type === 'SELECT_NODE' && n.select_list?.length === 1 && n.from_table?.type === 'EMPTY' && !n.where_clause &&
    !n.group_expressions?.length && !n.having && !n.qualify && !n.modifiers?.length && !n.cte_map?.map.length;
  return alone ? undefined : new CrmqError(`${x.where}: must be a single SQL expression (a condition such as "amount > 0"), not a query or several`);
}

/**
 * Queries and expressions, checked with one parse (one round trip): for each, the error that it is not what it must
 * be, or undefined. A query: exactly one SELECT statement. An expression (a `where` condition, a check): exactly one,
 * with nothing around it.
 */
export async function sqlProblems(db: Db, items: SqlToCheck[]): Promise<(CrmqError | undefined)[]> {
  // The newlines end a trailing `--` comment inside an expression, so it cannot swallow the closing parenthesis.
  const parsed = await parse(db, items.map((x) => (x.kind === 'select' ? x.sql : `SELECT (\n${x.sql}\n)`)));
  return items.map((x, i) => problem(x, parsed[i]));
}

/** Queries and expressions, checked with one parse: the first that is not what it must be throws, in the order given. */
export async function checkSql(db: Db, items: SqlToCheck[]): Promise<void> {
  const first = (await sqlProblems(db, items)).find((e) => e);
  if (first) throw first;
}

/** A query: exactly one SELECT statement. */
export async function checkSelect(db: Db, sql: string, where: string): Promise<void> {
  await checkSql(db, [{ kind: 'select', sql, where }]);
}

/** Runs one checked SELECT and returns its rows. */
export async function userSelect(db: Db, sql: string, where: string): Promise<Row[]> {
  await checkSelect(db, sql, where);
  return db.all(sql);
}
