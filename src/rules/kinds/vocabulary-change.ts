import { z } from 'zod';
import { lit, litList } from '../../db/sql.js';
import { CrmqError } from '../../errors.js';
import { MAX_VALUES, VOCABULARY_FIELDS } from '../../import/import-profile.js';
import { recentImports, CUR_PREV } from '../../drift/compared-imports.js';
import { SeverityOrOff } from '../../drift/levels.js';
import { fieldsOf } from '../../model/tables.js';
import { mapLabel } from '../semantics.js';
import { defineDriftKind } from './drift-kind.js';
import { suggester } from './vocabulary.js';

let seq = 0;

export default defineDriftKind({
  name: 'vocabulary-change',
  description:
    'Values of vocabulary fields (stages, statuses, channels, owners, types) that the latest export of a source has and the ' +
    'previous one had not (`new`), or the other way round (`vanished`). With `standards` (field → semantic standard), a new value ' +
    'the standard does not map for that source is `unmapped` (with the nearest canonical values), the rest `new`. Values in fewer ' +
    'than `min_rows` rows are left out; fields with more than 500 distinct values are not compared, and a field emptied ' +
    'altogether is left to fill-rate-drop.',
  params: z
    .object({
      fields: z.array(z.string()).default([]),
      standards: z.record(z.string(), z.string()).default({}),
      new: SeverityOrOff.default('warn'),
      unmapped: SeverityOrOff.default('error'),
      vanished: SeverityOrOff.default('info'),
      min_rows: z.number().int().min(1).default(1),
    })
    .strict(),
  set: async (p, rule, ctx) => {
    const known = Object.keys(fieldsOf(rule.entity));
    const fields = p.fields.length ? p.fields : VOCABULARY_FIELDS.filter((f) => known.includes(f));
    for (const f of [...fields, ...Object.keys(p.standards)]) {
      if (!known.includes(f)) throw new CrmqError(`${rule.file}: params: ${rule.entity} has no field "${f}"`);
    }
    for (const [f, name] of Object.entries(p.standards)) {
      if (!ctx.semantics?.standards[name]) throw new CrmqError(`${rule.file}: params.standards.${f}: no standard "${name}" in the semantics file`);
    }
    const changes = await ctx.db.all<{ source: string; cur: number; prev: number; field: string; value: string; change: 'new' | 'vanished'; rows: number }>(`
      WITH h AS (SELECT * FROM ${recentImports(rule, ctx.rows, 2)}),
      pairs AS (SELECT source, ${CUR_PREV} FROM h GROUP BY source HAVING count(*) = 2),
      -- fields whose values were kept whole in both exports
      whole AS (SELECT p.source, x.field FROM pairs p JOIN import_fields x ON x.import_id IN (p.cur, p.prev)
        WHERE list_contains(${litList(fields)}, x.field) GROUP BY ALL HAVING count(*) = 2 AND max(coalesce(x.distinct_values, 0)) <= ${MAX_VALUES}),
      v AS (SELECT p.source, p.cur, p.prev, v.import_id, v.field, v.value, v.rows FROM pairs p JOIN import_values v ON v.import_id IN (p.cur, p.prev)
        JOIN whole w ON w.source = p.source AND w.field = v.field)
      SELECT n.source, n.cur, n.prev, n.field, n.value, 'new' AS change, n.rows FROM v n
        WHERE n.import_id = n.cur AND n.rows >= ${p.min_rows} AND NOT EXISTS (SELECT 1 FROM v o WHERE o.source = n.source AND o.import_id = o.prev AND o.field = n.field AND o.value = n.value)
      UNION ALL
      SELECT o.source, o.cur, o.prev, o.field, o.value, 'vanished', o.rows FROM v o
        WHERE o.import_id = o.prev AND o.rows >= ${p.min_rows} AND NOT EXISTS (SELECT 1 FROM v n WHERE n.source = o.source AND n.import_id = n.cur AND n.field = o.field AND n.value = o.value)
          -- a field emptied altogether is the schema and fill rules' finding, not one per value
          AND EXISTS (SELECT 1 FROM v n WHERE n.source = o.source AND n.import_id = n.cur AND n.field = o.field)
      ORDER BY 1, 4, 6, 5`);
    const table = `crmq_vocab_change_${process.pid}_${++seq}`;
    await ctx.db.run(`CREATE OR REPLACE TEMP TABLE ${table} (source VARCHAR, source_id VARCHAR, value VARCHAR, detail VARCHAR, cluster VARCHAR, severity VARCHAR)`);
    const found = changes.flatMap((c) => {
      const where = `(import #${c.cur} vs #${c.prev})`;
      let severity: string = c.change === 'new' ? p.new : p.vanished;
      let detail = c.change === 'new' ? `new ${c.field} in ${c.rows} rows ${where}` : `${c.field} no longer appears (was in ${c.rows} rows) ${where}`;
      const standard = p.standards[c.field];
      if (c.change === 'new' && standard) {
        const std = ctx.semantics!.standards[standard];
        if (mapLabel(std, c.source, c.value) === undefined) {
          const near = suggester(std)(c.value);
          severity = p.unmapped;
          detail = `new ${c.field} in ${c.rows} rows, not in the ${standard} standard for ${c.source}${near.length ? ` (nearest: ${near.join(', ')})` : ''} ${where}`;
        }
      }
      if (severity === 'off') return [];
      return [`(${lit(c.source)}, ${lit(`import:${c.cur}:${c.field}:${c.change}:${c.value}`)}, ${lit(c.value)}, ${lit(detail)}, ${lit(`import:${c.cur}`)}, ${lit(severity)})`];
    });
    if (found.length) await ctx.db.run(`INSERT INTO ${table} VALUES ${found.join(', ')}`);
    return `SELECT * FROM ${table}`;
  },
});
