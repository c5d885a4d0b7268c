import { z } from 'zod';
import { ident } from '../../db/sql.js';
import { defineKind } from './kind.js';

export default defineKind({
  name: 'outlier',
  description:
    'Values far outside their group\'s distribution, by a robust score: |x − median| / (1.4826 · MAD) above `k` within each `by` group ' +
    '(amounts per currency). Groups smaller than `min_group` are not judged.',
  params: z.object({ field: z.string(), by: z.array(z.string()).default(['currency']), k: z.number().positive().default(10), min_group: z.number().int().min(3).default(8) }).strict(),
  set: (p, _rule, ctx) => {
    const by = p.by.map(ident).join(', ') || 'NULL';
    const x = ident(p.field);
    return `
      WITH g AS (SELECT ${by}, median(${x}) AS med, count(${x}) AS n FROM ${ctx.rows} GROUP BY ${by}),
      m AS (SELECT r.source, r.source_id, r.${x} AS x, g.med, g.n, ${p.by.map((b) => `r.${ident(b)}`).join(', ') || 'NULL'} AS grp FROM ${ctx.rows} r JOIN g USING (${p.by.map(ident).join(', ')}) WHERE r.${x} IS NOT NULL),
      mad AS (SELECT grp, median(abs(x - med)) AS mad FROM m GROUP BY grp)
      SELECT source, source_id, CAST(x AS VARCHAR) AS value,
        'median ' || CAST(med AS VARCHAR) || ', robust z ' || CAST(round(abs(x - med) / (1.4826 * mad), 1) AS VARCHAR) AS detail, NULL AS cluster
      FROM m JOIN mad USING (grp)
      WHERE n >= ${p.min_group} AND mad > 0 AND abs(x - med) / (1.4826 * mad) > ${p.k}`;
  },
});
