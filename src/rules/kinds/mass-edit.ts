import { z } from 'zod';
import { litList } from '../../db/sql.js';
import { recentImports } from '../../drift/compared-imports.js';
import { Levels, levelOf } from '../../drift/levels.js';
import { defineDriftKind } from './drift-kind.js';

export default defineDriftKind({
  name: 'mass-edit',
  description:
    'Many records whose `fields` (owner, stage…) changed at once between the previous export of a source and the latest: of the ' +
    'records present in both, the number (or share, "25%") whose field changed (counted on a sample of records chosen by ' +
    'source_id when an export has over 20,000 rows). The finding names the most frequent changes ' +
    '("Иванов → Петров: 412"). Fewer than `min_rows` records in both exports are not judged.',
  params: z
    .object({
      fields: z.array(z.string()).min(1).default(['owner']),
      share: Levels.default({ warn: '10%', error: '25%' }),
      min_rows: z.number().int().min(1).default(10),
    })
    .strict(),
  set: (p, rule, ctx) => `
    WITH f AS (SELECT h.source, h.import_id AS cur, pr.prev_import_id AS prev, x.field, x.changed, pr.rows - pr.rows_new AS matched, pr.sample
      FROM ${recentImports(rule, ctx.rows, 1)} h JOIN import_profiles pr USING (import_id) JOIN import_fields x USING (import_id)
      WHERE pr.prev_import_id IS NOT NULL AND list_contains(${litList(p.fields)}, x.field) AND x.changed > 0 AND pr.rows - pr.rows_new >= ${p.min_rows}),
    top AS (SELECT t.import_id, t.field, string_agg(coalesce(t.old_value, '(empty)') || ' → ' || coalesce(t.new_value, '(empty)') || ': ' || t.rows, ', '
        ORDER BY t.rows DESC, t.old_value NULLS FIRST, t.new_value NULLS FIRST) FILTER (WHERE t.k <= 3) AS moves
      FROM (SELECT *, row_number() OVER (PARTITION BY import_id, field ORDER BY rows DESC, old_value NULLS FIRST, new_value NULLS FIRST) AS k
        FROM import_transitions WHERE import_id IN (SELECT cur FROM f)) t GROUP BY ALL),
    found AS (SELECT f.*, top.moves, ${levelOf(p.share, 'f.changed', 'f.matched')} AS severity FROM f LEFT JOIN top ON top.import_id = f.cur AND top.field = f.field)
    SELECT source, 'import:' || cur || ':mass-edit:' || field AS source_id, CAST(changed AS VARCHAR) AS value,
      field || ' changed on ' || CASE WHEN sample < 1 THEN 'about ' ELSE '' END || changed || ' of the ' || matched || ' records in both exports (' || CAST(round(100.0 * changed / matched, 1) AS VARCHAR) || '%)' ||
        coalesce(': ' || moves, '') || ' (import #' || cur || ' vs #' || prev || ')' AS detail,
      'import:' || cur AS cluster, severity
    FROM found WHERE severity IS NOT NULL`,
});
