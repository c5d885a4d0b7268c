// Which imports a drift rule compares. Drift is judged between whole exports: for each source of the rule's rows,
// its latest complete import of the entity (k = 1) and the ones before it (k = 2 is the previous export). A page of
// `crmq pull` is profiled too, but it is not a whole export, so it is never compared as one.
import { z } from 'zod';
import { lit } from '../db/sql.js';

/** What a figure is compared with: the previous export's, or the median of the last `window` exports'. */
export const BaselineParams = {
  baseline: z.enum(['previous', 'median']).default('previous'),
  window: z.number().int().min(2).max(100).default(5),
};
export interface Baseline {
  baseline: 'previous' | 'median';
  window: number;
}

/**
 * (source, import_id, k): the latest `depth` complete imports of each source, k = 1 the latest. A rule with a `where`
 * looks only at the sources of its rows (`where: source = 'b24'`).
 */
export function recentImports(rule: { entity: string; where?: string }, rows: string, depth: number): string {
  return `(SELECT source, import_id, k FROM (
      SELECT source, import_id, row_number() OVER (PARTITION BY source ORDER BY import_id DESC) AS k
      FROM import_profiles WHERE entity = ${lit(rule.entity)} AND complete${rule.where ? ` AND source IN (SELECT DISTINCT source FROM ${rows})` : ''})
    WHERE k <= ${depth})`;
}

/** The imports a baseline needs: the latest and the previous one, or the latest and the `window` before it. */
export const depthOf = (b: Baseline): number => (b.baseline === 'median' ? b.window + 1 : 2);

/** SQL aggregates over rows carrying `k`: the latest import's figure, and the baseline's. */
export const latest = (x: string): string => `any_value(${x}) FILTER (WHERE k = 1)`;
export const previous = (x: string): string => `any_value(${x}) FILTER (WHERE k = 2)`;
export const baselineOf = (x: string, b: Baseline): string =>
  b.baseline === 'median' ? `median(${x}) FILTER (WHERE k BETWEEN 2 AND ${b.window + 1})` : previous(x);
/** SQL HAVING condition: the group has a figure from the latest export and from at least one export before it. */
export const IN_BOTH = 'count(*) FILTER (WHERE k = 1) > 0 AND count(*) FILTER (WHERE k > 1) > 0';
/** The words for the baseline in a message: "import #12" or "the median of the last 5 imports". */
export const baselineWords = (b: Baseline, prev: string): string =>
  b.baseline === 'median' ? `'the median of the last ' || ${b.window} || ' exports'` : `'import #' || ${prev}`;

/** SQL: how many sources of `rows` have two complete exports of the entity to compare (what a drift rule checks). */
export const comparedExports = (rule: { entity: string; where?: string }, rows: string): string => `SELECT count(*) FROM ${recentImports(rule, rows, 2)} WHERE k = 2`;

/** SQL select items over rows of recentImports aliased `h`: the latest import (cur) and the previous one (prev). */
export const CUR_PREV = 'max(h.import_id) FILTER (WHERE h.k = 1) AS cur, max(h.import_id) FILTER (WHERE h.k = 2) AS prev';
