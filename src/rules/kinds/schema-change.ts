import { z } from 'zod';
import { lit, litList } from '../../db/sql.js';
import { recentImports, CUR_PREV } from '../../drift/compared-imports.js';
import { SeverityOrOff } from '../../drift/levels.js';
import { sketchSimilarity } from '../../drift/similarity.js';
import { defineDriftKind } from './drift-kind.js';

export default defineDriftKind({
  name: 'schema-change',
  description:
    'Columns of the latest export that the previous export of the same source did not have, or the other way round. A removed ' +
    'column and an added one whose values are alike (over the same sampled records, at least `similarity`) are one finding: ' +
    'a rename, with the share of values in common. Each change has its own severity (`removed`, `renamed`, `added`, or off); a ' +
    'rename whose new name still feeds the same canonical field is `renamed_same_field`. `ignore` lists headers to leave out.',
  params: z
    .object({
      removed: SeverityOrOff.default('error'),
      renamed: SeverityOrOff.default('error'),
      renamed_same_field: SeverityOrOff.default('info'),
      added: SeverityOrOff.default('info'),
      similarity: z.number().min(0).max(1).default(0.5),
      ignore: z.array(z.string()).default([]),
    })
    .strict(),
  set: (p, rule, ctx) => {
    const sev = (s: string) => (s === 'off' ? 'NULL' : lit(s));
    return `
      WITH h AS (SELECT r.source, r.import_id, r.k, x.header, x.field, x.filled, x.sketch, pr.rows
        FROM ${recentImports(rule, ctx.rows, 2)} r JOIN import_headers x USING (import_id) JOIN import_profiles pr USING (import_id)
        WHERE NOT list_contains(${litList(p.ignore)}, x.header)),
      pairs AS (SELECT source, ${CUR_PREV} FROM h GROUP BY source HAVING count(DISTINCT k) = 2),
      cur AS (SELECT h.* FROM h JOIN pairs p ON p.source = h.source AND h.import_id = p.cur),
      prv AS (SELECT h.* FROM h JOIN pairs p ON p.source = h.source AND h.import_id = p.prev),
      removed AS (SELECT * FROM prv o WHERE NOT EXISTS (SELECT 1 FROM cur n WHERE n.source = o.source AND n.header = o.header)),
      added AS (SELECT * FROM cur n WHERE NOT EXISTS (SELECT 1 FROM prv o WHERE o.source = n.source AND o.header = n.header)),
      scored AS (SELECT o.source, o.import_id AS prev, n.import_id AS cur, o.header AS old, n.header AS new, o.field AS old_field, n.field AS new_field,
          ${sketchSimilarity('o.sketch', 'n.sketch')} AS sim
        FROM removed o JOIN added n USING (source)),
      renamed AS (SELECT * FROM scored WHERE sim >= ${p.similarity}
        QUALIFY row_number() OVER (PARTITION BY source, old ORDER BY sim DESC, new) = 1 AND row_number() OVER (PARTITION BY source, new ORDER BY sim DESC, old) = 1),
      found AS (
        SELECT source, cur, old AS header, old AS value,
          'renamed to "' || new || '"? ' || CAST(round(100 * sim) AS INTEGER) || '% of the values alike' ||
            CASE WHEN old_field IS NOT DISTINCT FROM new_field THEN CASE WHEN new_field IS NULL THEN '' ELSE '; still feeds ' || new_field END
                 WHEN new_field IS NULL THEN '; ' || old_field || ' is empty now (the new name is kept in extra: map it)'
                 ELSE '; fed ' || coalesce(old_field, 'extra') || ', now ' || new_field END || ' (import #' || cur || ' vs #' || prev || ')' AS detail,
          CASE WHEN old_field IS NOT DISTINCT FROM new_field THEN ${sev(p.renamed_same_field)} ELSE ${sev(p.renamed)} END AS severity
        FROM renamed
        UNION ALL
        SELECT o.source, p.cur, o.header, o.header,
          'removed (was filled in ' || CAST(round(100 * o.filled / greatest(o.rows, 1)) AS INTEGER) || '% of rows' ||
            CASE WHEN o.field IS NULL THEN '' ELSE ', fed ' || o.field END || ') (import #' || p.cur || ' vs #' || p.prev || ')', ${sev(p.removed)}
        FROM removed o JOIN pairs p USING (source) WHERE NOT EXISTS (SELECT 1 FROM renamed r WHERE r.source = o.source AND r.old = o.header)
        UNION ALL
        SELECT n.source, p.cur, n.header, n.header,
          'added (filled in ' || CAST(round(100 * n.filled / greatest(n.rows, 1)) AS INTEGER) || '% of rows; ' ||
            CASE WHEN n.field IS NULL THEN 'kept in extra' ELSE 'feeds ' || n.field END || ') (import #' || p.cur || ' vs #' || p.prev || ')', ${sev(p.added)}
        FROM added n JOIN pairs p USING (source) WHERE NOT EXISTS (SELECT 1 FROM renamed r WHERE r.source = n.source AND r.new = n.header))
      SELECT source, 'import:' || cur || ':column:' || header AS source_id, value, detail, 'import:' || cur AS cluster, severity
      FROM found WHERE severity IS NOT NULL`;
  },
});
