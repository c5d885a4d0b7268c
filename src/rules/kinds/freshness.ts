import { z } from 'zod';
import { ident, lit } from '../../db/sql.js';
import { defineKind } from './kind.js';

export default defineKind({
  name: 'freshness',
  description: 'A source whose newest record (by `field`) or newest import of the entity is older than `max_age_days` as of today (or --as-of).',
  params: z.object({ field: z.string().default('created_at'), max_age_days: z.number().int().positive() }).strict(),
  set: (p, rule, ctx) => `
    SELECT source, 'source:' || source AS source_id, strftime(newest, '%Y-%m-%d') AS value,
      'newest record ' || (current_date - CAST(newest AS DATE)) || ' days old, last import ' || coalesce(strftime(imported, '%Y-%m-%d'), 'never') AS detail, NULL AS cluster
    FROM (SELECT source, max(${ident(p.field)}) AS newest FROM ${ctx.rows} GROUP BY source) r
    LEFT JOIN (SELECT source, max(finished_at) AS imported FROM imports WHERE entity = ${lit(rule.entity)} GROUP BY source) i USING (source)
    WHERE current_date - CAST(greatest(newest, coalesce(imported, newest)) AS DATE) > ${p.max_age_days}`,
});
