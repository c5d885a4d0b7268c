// A kind is code: it validates a rule's params and turns them into SQL for the failing rows.
// Row kinds give a predicate over one row (the runner batches all row rules of an entity into one scan);
// set kinds give a whole query (duplicates, references, distributions).
import type { z } from 'zod';
import type { Rule } from '../rule.js';

export interface KindContext {
  db: import('../../db/database.js').Db;
  /** `(SELECT * FROM <entity> WHERE <rule.where>)`: the rows the rule looks at. */
  rows: string;
  /** The semantic standard, when loaded (for vocabulary and semantic-drift). */
  semantics?: import('../semantics.js').Semantics;
}

export interface RowCheck {
  /** True for a failing row. */
  fails: string;
  /** The offending value, shown in the message as {value}. */
  value: string;
  /** Optional extra text, shown as {detail}. */
  detail?: string;
}

/**
 * A set query returns failing rows with columns: source, source_id, value (text), detail (text, may be NULL),
 * cluster (text, may be NULL). Findings that describe a group rather than a record use a synthetic source_id.
 */
export interface Kind<P extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  params: P;
  row?: (params: z.infer<P>, rule: Rule) => RowCheck;
  set?: (params: z.infer<P>, rule: Rule, ctx: KindContext) => string | Promise<string>;
  /**
   * The set query also returns `severity` (info, warn, error) per finding: the level its figure reached (drift kinds).
   * The rule's own severity is the most a finding of it can have.
   */
  graded?: boolean;
  /** SQL for what the rule looked at, when it is not rows of the entity (drift kinds: the exports compared). */
  checked?: (params: z.infer<P>, rule: Rule, rows: string) => string;
}

export const defineKind = <P extends z.ZodType>(k: Kind<P>): Kind<P> => k;
