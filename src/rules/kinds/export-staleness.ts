import { z } from 'zod';
import { lit } from '../../db/sql.js';
import { latest, previous, recentImports, CUR_PREV } from '../../drift/compared-imports.js';
import { Levels, levelOf } from '../../drift/levels.js';
import { defineDriftKind } from './drift-kind.js';

export default defineDriftKind({
  name: 'export-staleness',
  description:
    'An export older than the one imported before it: the newest `field` (updated_at) in the latest export of a source is earlier ' +
    'than in the previous export, as when an old file is imported after a newer one. `older` grades the gap in days (0: any gap).',
  params: z.object({ field: z.string().default('updated_at'), older: Levels.default({ error: 0 }) }).strict(),
  set: (p, rule, ctx) => `
    WITH f AS (SELECT h.source, ${CUR_PREV},
        CAST(${latest('x.max_value')} AS TIMESTAMP) AS now, CAST(${previous('x.max_value')} AS TIMESTAMP) AS before
      FROM ${recentImports(rule, ctx.rows, 2)} h JOIN import_fields x USING (import_id)
      WHERE x.field = ${lit(p.field)} GROUP BY h.source),
    found AS (SELECT *, epoch(before - now) / 86400.0 AS days FROM f WHERE now < before)
    SELECT source, 'import:' || cur || ':' || ${lit(p.field)} AS source_id, strftime(now, '%Y-%m-%d %H:%M:%S') AS value,
      'the newest ${p.field} in this export, ' || strftime(now, '%Y-%m-%d %H:%M:%S') || ', is older than in import #' || prev || ', ' || strftime(before, '%Y-%m-%d %H:%M:%S') ||
        ' (' || CAST(round(days, 1) AS VARCHAR) || ' days): an older export imported after a newer one?' AS detail,
      'import:' || cur AS cluster, ${levelOf(p.older, 'days', 'days')} AS severity
    FROM found WHERE ${levelOf(p.older, 'days', 'days')} IS NOT NULL`,
});
