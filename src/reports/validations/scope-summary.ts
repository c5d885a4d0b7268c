// One pass over the rows of one input a report reads, per currency: the counts coverage needs (rows, rows with error
// findings, rows left out by each reason, every row once), the amounts, the three largest records (dominance) and the
// implausible amounts among them (outliers). Coverage, dominance and outliers ask for the same summary, so the query
// cache answers two of them.
import { lit } from '../../db/sql.js';
import type { InputScope } from '../report-def.js';
import type { ValidationContext } from '../validation.js';
import { currencyOf, relationOf } from './scope.js';

export interface ScopeSummary {
  currency: string | null;
  n: number;
  flagged: number;
  affected: number;
  /** Σ |amount| of the rows, and of the rows in doubt or left out. */
  total: number;
  affected_amount: number;
  /** Σ amount as the report sums it (outliers already left out, unless included). */
  signed: number;
  /** Rows with an amount, the three largest |amounts| and their records. */
  n_amount: number;
  top: number[] | null;
  top_ids: string[] | null;
  outliers: { id: string; amount: number; median: number; ratio: number }[] | null;
  [reason: `reason_${number}`]: number;
}

export async function scopeSummary(ctx: ValidationContext, entity: string, scope: InputScope): Promise<ScopeSummary[]> {
  const [run] = await ctx.db.all<{ runs: number }>('SELECT count(*) AS runs FROM check_runs');
  const flagged = run.runs ? `coalesce(t.source || chr(31) || t.source_id IN (SELECT source || chr(31) || source_id FROM crmq_error_findings WHERE entity = ${lit(entity)}), FALSE)` : 'FALSE';
  const cond = (when: string) => `coalesce((${when}), FALSE)`;
  const affected = [flagged, ...scope.exclude.map((e) => cond(e.when))].join(' OR ');
  const x = scope.amount ? `CAST(${scope.amount} AS DOUBLE)` : 'CAST(NULL AS DOUBLE)';
  const id = `t.source || '/' || t.source_id`;
  return ctx.db.all<ScopeSummary>(`
    SELECT ${currencyOf(entity)} AS currency, count(*) AS n, count(*) FILTER (WHERE ${flagged}) AS flagged, count(*) FILTER (WHERE ${affected}) AS affected,
      coalesce(sum(abs(${x})), 0) AS total, coalesce(sum(abs(${x})) FILTER (WHERE ${affected}), 0) AS affected_amount, coalesce(sum(${x}), 0) AS signed,
      count(${x}) AS n_amount, max(abs(${x}), 3) FILTER (WHERE ${x} IS NOT NULL) AS top, arg_max(${id}, abs(${x}), 3) FILTER (WHERE ${x} IS NOT NULL) AS top_ids,
      list({'id': ${id}, 'amount': o.o_amount, 'median': o.o_median, 'ratio': o.o_ratio} ORDER BY abs(o.o_amount) DESC, ${id}) FILTER (WHERE o.o_amount IS NOT NULL) AS outliers
      ${scope.exclude.map((e, i) => `, count(*) FILTER (WHERE ${cond(e.when)}) AS reason_${i}`).join('')}
    FROM ${relationOf(entity)} t
    LEFT JOIN (SELECT source AS o_source, source_id AS o_source_id, amount AS o_amount, median AS o_median, ratio AS o_ratio FROM crmq_outliers WHERE entity = ${lit(entity)}) o
      ON o.o_source = t.source AND o.o_source_id = t.source_id
    WHERE ${scope.where}
    GROUP BY 1 ORDER BY 1 NULLS LAST`);
}
