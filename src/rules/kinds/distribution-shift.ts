import { z } from 'zod';
import { lit } from '../../db/sql.js';
import { BaselineParams, baselineOf, baselineWords, depthOf, latest, recentImports, CUR_PREV, IN_BOTH } from '../../drift/compared-imports.js';
import { Levels, levelOf } from '../../drift/levels.js';
import { defineDriftKind } from './drift-kind.js';

const num = (x: string) => `CAST(round(${x}, 2) AS VARCHAR)`;

export default defineDriftKind({
  name: 'distribution-shift',
  description:
    'The median and the 95th percentile of an amount field (`field`, per currency) in the latest export against its baseline (the ' +
    'previous export, or the median of the last `window`): `median` and `p95` grade the change either way, as an amount or a share ' +
    'of the baseline ("50%"). Currencies with fewer than `min_rows` amounts in either export are not judged.',
  params: z
    .object({
      field: z.string().default('amount'),
      median: Levels.default({ warn: '25%', error: '50%' }),
      p95: Levels.default({ warn: '50%', error: '100%' }),
      min_rows: z.number().int().min(1).default(20),
      ...BaselineParams,
    })
    .strict(),
  set: (p, rule, ctx) => `
    WITH f AS (SELECT h.source, a.currency, ${CUR_PREV},
        ${latest('a.median')} AS median_now, ${baselineOf('a.median', p)} AS median_base,
        ${latest('a.p95')} AS p95_now, ${baselineOf('a.p95', p)} AS p95_base, ${latest('a.rows')} AS rows
      FROM ${recentImports(rule, ctx.rows, depthOf(p))} h JOIN import_amounts a USING (import_id)
      WHERE a.field = ${lit(p.field)} AND a.rows >= ${p.min_rows}
      GROUP BY h.source, a.currency HAVING ${IN_BOTH}),
    found AS (
      ${(['median', 'p95'] as const)
        .map(
          (m) => `SELECT source, cur, currency, '${m}' AS what, ${num(`${m}_now`)} AS value,
        '${m === 'median' ? 'median' : '95th percentile'} of ${p.field}' || coalesce(' (' || currency || ')', '') || ' ' || ${num(`${m}_now`)} || ' against ' || ${num(`${m}_base`)} ||
          ' in ' || ${baselineWords(p, 'prev')} || ' (' || CASE WHEN ${m}_now >= ${m}_base THEN '+' ELSE '' END || CAST(round(100 * (${m}_now - ${m}_base) / nullif(${m}_base, 0), 1) AS VARCHAR) || '%), over ' || rows || ' amounts' AS detail,
        ${levelOf(p[m], `abs(${m}_now - ${m}_base)`, `abs(${m}_base)`)} AS severity
      FROM f WHERE ${m}_now IS DISTINCT FROM ${m}_base`,
        )
        .join(' UNION ALL ')})
    SELECT source, 'import:' || cur || ':${p.field}:' || coalesce(currency, '') || ':' || what AS source_id, value, detail, 'import:' || cur AS cluster, severity
    FROM found WHERE severity IS NOT NULL`,
});
