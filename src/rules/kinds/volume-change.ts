import { z } from 'zod';
import { BaselineParams, baselineOf, baselineWords, depthOf, latest, recentImports, CUR_PREV } from '../../drift/compared-imports.js';
import { Levels, levelOf } from '../../drift/levels.js';
import { defineDriftKind } from './drift-kind.js';

const pct = (x: string) => `CAST(round(100 * (${x}), 1) AS VARCHAR) || '%'`;

export default defineDriftKind({
  name: 'volume-change',
  description:
    'How many rows the latest export of a source has against its baseline (the previous export, or the median of the last ' +
    '`window`): `drop` and `growth` grade the change in rows, `gone` the records of the previous export (by source_id) that ' +
    'this one no longer has. Thresholds are rows, or a share of the baseline ("30%"). Baselines under `min_rows` are not judged.',
  params: z
    .object({
      drop: Levels.default({ warn: '10%', error: '30%' }),
      growth: Levels.default({ warn: '50%' }),
      gone: Levels.default({ warn: '5%', error: '25%' }),
      min_rows: z.number().int().min(0).default(10),
      ...BaselineParams,
    })
    .strict(),
  set: (p, rule, ctx) => `
    WITH f AS (SELECT h.source, ${CUR_PREV},
        ${latest('p.rows')} AS now, ${baselineOf('p.rows', p)} AS base, ${latest('p.rows_gone')} AS gone, ${latest('p.compared_rows')} AS compared
      FROM ${recentImports(rule, ctx.rows, depthOf(p))} h JOIN import_profiles p USING (import_id)
      GROUP BY h.source HAVING count(*) FILTER (WHERE k > 1) > 0),
    found AS (
      SELECT source, cur, 'rows' AS what, CAST(now - base AS VARCHAR) AS value,
        now || ' rows, ' || ${pct('(now - base) / base')} || ' against ' || base || ' in ' || ${baselineWords(p, 'prev')} AS detail,
        CASE WHEN now < base THEN ${levelOf(p.drop, 'base - now', 'base')} ELSE ${levelOf(p.growth, 'now - base', 'base')} END AS severity
      FROM f WHERE base >= ${p.min_rows} AND now <> base
      UNION ALL
      SELECT source, cur, 'gone', CAST(gone AS VARCHAR),
        gone || ' of the ' || compared || ' records of import #' || prev || ' (' || ${pct('gone / compared')} || ') are not in this export (import #' || cur || ')',
        ${levelOf(p.gone, 'gone', 'compared')}
      FROM f WHERE compared >= ${p.min_rows} AND gone > 0)
    SELECT source, 'import:' || cur || ':' || what AS source_id, value, detail, 'import:' || cur AS cluster, severity FROM found WHERE severity IS NOT NULL`,
});
