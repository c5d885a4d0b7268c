import { z } from 'zod';
import { ident } from '../../db/sql.js';
import { defineKind } from './kind.js';

const present = (f: string) => `(${ident(f)} IS NOT NULL AND ${ident(f)}::VARCHAR NOT IN ('', '[]'))`;

export default defineKind({
  name: 'required',
  description: 'Fields that must have a value: every field in `fields`, and at least one field of each `any_of` group.',
  params: z
    .object({ fields: z.array(z.string()).default([]), any_of: z.array(z.array(z.string()).min(2)).default([]) })
    .strict()
    .refine((p) => p.fields.length + p.any_of.length > 0, 'give fields or any_of'),
  row: (p) => {
    const missing = [
      ...p.fields.map((f) => `CASE WHEN NOT ${present(f)} THEN ${`'${f}'`} END`),
      ...p.any_of.map((g) => `CASE WHEN NOT (${g.map(present).join(' OR ')}) THEN '${g.join(' or ')}' END`),
    ];
    return { fails: `NOT (${[...p.fields.map(present), ...p.any_of.map((g) => `(${g.map(present).join(' OR ')})`)].join(' AND ')})`, value: `concat_ws(', ', ${missing.join(', ')})` };
  },
});
