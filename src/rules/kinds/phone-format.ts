import { z } from 'zod';
import { lit } from '../../db/sql.js';
import { defineKind } from './kind.js';

export default defineKind({
  name: 'phone-format',
  description: 'Phone numbers that libphonenumber-js cannot read as a valid number in the source\'s region (8 (912)… counts as +7 912…).',
  params: z.object({ field: z.literal('phones').default('phones') }).strict(),
  set: (_p, rule, ctx) => `
    SELECT r.source, r.source_id, first(k.raw ORDER BY k.pos) AS value, NULL AS detail, NULL AS cluster
    FROM ${ctx.rows} r JOIN phone_keys k ON k.entity = ${lit(rule.entity)} AND k.source = r.source AND k.source_id = r.source_id
    WHERE k.e164 IS NULL
    GROUP BY r.source, r.source_id`,
});
