import { z } from 'zod';
import { ident } from '../../db/sql.js';
import { ENTITIES, type EntityName } from '../../model/tables.js';
import { defineKind } from './kind.js';

export default defineKind({
  name: 'reference',
  description: 'Links that point nowhere: `field` holds a source id that no row of `to` in the same source has.',
  params: z.object({ field: z.string(), to: z.enum(ENTITIES as [EntityName, ...EntityName[]]) }).strict(),
  set: (p, _rule, ctx) => `
    SELECT r.source, r.source_id, r.${ident(p.field)} AS value, NULL AS detail, NULL AS cluster
    FROM ${ctx.rows} r
    WHERE r.${ident(p.field)} IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM ${p.to} t WHERE t.source = r.source AND t.source_id = r.${ident(p.field)})`,
});
