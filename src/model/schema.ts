// zod schemas of canonical rows, derived from tables.ts: used to validate rows crossing a boundary
// (JSON read back from the database, rows handed to renderers).
import { z } from 'zod';
import { TABLES, type EntityName, type FieldType, fieldsOf } from './tables.js';

const ZOD: Record<FieldType, () => z.ZodType> = {
  text: () => z.string(),
  currency: () => z.string().regex(/^[A-Z]{3}$/),
  list: () => z.array(z.string()),
  int: () => z.number().int(),
  decimal: () => z.number(),
  timestamp: () => z.string(),
  date: () => z.string(),
  bool: () => z.boolean(),
};

export function rowSchema(entity: EntityName) {
  const shape: Record<string, z.ZodType> = {
    source: z.string().min(1),
    source_id: z.string().min(1),
    import_id: z.number().int(),
    source_line: z.number().int().nullable(),
    extra: z.unknown().nullable(),
  };
  for (const [name, f] of Object.entries(fieldsOf(entity))) shape[name] = ZOD[f.type]().nullable();
  return z.object(shape);
}

export const ROW_SCHEMAS = Object.fromEntries(
  Object.keys(TABLES).map((e) => [e, rowSchema(e as EntityName)]),
) as Record<EntityName, ReturnType<typeof rowSchema>>;
