import { z } from 'zod';
import { litList } from '../../db/sql.js';
import { BaselineParams, baselineOf, baselineWords, depthOf, latest, recentImports, CUR_PREV, IN_BOTH } from '../../drift/compared-imports.js';
import { Levels, levelOf } from '../../drift/levels.js';
import { defineDriftKind } from './drift-kind.js';

const pct = (x: string) => `CAST(round(${x}, 1) AS VARCHAR) || '%'`;

export default defineDriftKind({
  name: 'fill-rate-drop',
  description:
    'A canonical field filled in fewer rows of the latest export than in its baseline (the previous export, or the median of the ' +
    'last `window`). The figure is the fill rate in percent: a number is a drop in percentage points, "50%" a drop by half. ' +
    '`fields` limits the fields (default: every field); exports under `min_rows` rows are not judged.',
  params: z
    .object({
      drop: Levels.default({ warn: 10, error: 30 }),
      fields: z.array(z.string()).default([]),
      min_rows: z.number().int().min(0).default(10),
      ...BaselineParams,
    })
    .strict(),
  set: (p, rule, ctx) => `
    WITH f AS (SELECT h.source, x.field, ${CUR_PREV},
        ${latest('100.0 * x.filled / nullif(pr.rows, 0)')} AS now, ${baselineOf('100.0 * x.filled / nullif(pr.rows, 0)', p)} AS base,
        ${latest('pr.rows')} AS rows, ${latest('x.filled')} AS filled
      FROM ${recentImports(rule, ctx.rows, depthOf(p))} h JOIN import_profiles pr USING (import_id) JOIN import_fields x USING (import_id)
      WHERE pr.rows >= ${p.min_rows}${p.fields.length ? ` AND list_contains(${litList(p.fields)}, x.field)` : ''}
      GROUP BY h.source, x.field HAVING ${IN_BOTH}),
    found AS (SELECT *, ${levelOf(p.drop, 'base - now', 'base')} AS severity FROM f WHERE now < base)
    SELECT source, 'import:' || cur || ':fill:' || field AS source_id, field AS value,
      field || ' filled in ' || ${pct('now')} || ' of rows (' || filled || ' of ' || rows || '), against ' || ${pct('base')} || ' in ' || ${baselineWords(p, 'prev')} AS detail,
      'import:' || cur AS cluster, severity
    FROM found WHERE severity IS NOT NULL`,
});
