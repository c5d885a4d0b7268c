import { z } from 'zod';
import { ident } from '../../db/sql.js';
import { checkSelect } from '../../db/user-sql.js';
import { CrmqError } from '../../errors.js';
import { defineKind } from './kind.js';

export default defineKind({
  name: 'sql',
  description:
    'Any SELECT of failing rows. It must return source and source_id, and may return value, detail and cluster. ' +
    '`{rows}` in the query stands for the rule\'s rows (the entity filtered by `where`).',
  params: z.object({ query: z.string().min(1) }).strict(),
  set: async (p, rule, ctx) => {
    const query = p.query.replaceAll('{rows}', ctx.rows);
    await checkSelect(ctx.db, query, `${rule.file}: params.query`);
    const cols = (await ctx.db.all<{ column_name: string }>(`DESCRIBE ${query}`)).map((c) => c.column_name);
    for (const need of ['source', 'source_id']) {
      if (!cols.includes(need)) throw new CrmqError(`${rule.file}: params.query must return a column named ${need} (it returns ${cols.join(', ')})`);
    }
    const opt = (c: string) => (cols.includes(c) ? `CAST(${ident(c)} AS VARCHAR)` : 'NULL');
    return `SELECT CAST(source AS VARCHAR) AS source, CAST(source_id AS VARCHAR) AS source_id, ${opt('value')} AS value, ${opt('detail')} AS detail, ${opt('cluster')} AS cluster
      FROM (\n${query}\n)`;
  },
});
