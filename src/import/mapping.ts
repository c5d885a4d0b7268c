// A user's mapping file (YAML) for the generic preset, or to extend a CRM preset.
import { readYamlFile } from '../yaml-file.js';
import { z } from 'zod';
import { CrmqError } from '../errors.js';
import { ENTITIES, fieldsOf, isEntity, type EntityName } from '../model/tables.js';
import type { EntityMap } from '../connectors/presets/preset.js';

export const MappingSchema = z
  .object({
    entity: z.enum(ENTITIES as [EntityName, ...EntityName[]]).optional(),
    id: z.union([z.string(), z.array(z.string())]).optional(),
    columns: z.record(z.string(), z.string()).default({}),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO code such as RUB').optional(),
    phone_region: z.string().regex(/^[A-Z]{2}$/, 'must be a 2-letter country code such as RU').optional(),
    date_order: z.enum(['dmy', 'mdy']).optional(),
  })
  .strict();

export type Mapping = z.infer<typeof MappingSchema>;

/** Canonical field names a mapping may target: the entity's fields, plus `phone`/`email` as aliases of the lists. */
export function targetFields(entity: EntityName): Set<string> {
  const f = new Set(Object.keys(fieldsOf(entity)));
  if (f.has('phones')) f.add('phone');
  if (f.has('emails')) f.add('email');
  return f;
}

export function loadMapping(path: string): Mapping {
  const m = readYamlFile(path, MappingSchema, { what: 'mapping file' });
  if (m.entity) {
    const ok = targetFields(m.entity);
    for (const [header, field] of Object.entries(m.columns)) {
      if (!ok.has(field) && field !== 'ignore') {
        throw new CrmqError(`${path}: columns."${header}": "${field}" is not a field of ${m.entity} (see docs/model.md)`);
      }
    }
  }
  return m;
}

/** Applies a mapping on top of a preset's map (or alone): its columns win. */
export function mergeMapping(base: EntityMap | undefined, m: Mapping, entity: string): EntityMap {
  if (!isEntity(entity)) throw new CrmqError(`--entity: unknown entity "${entity}"`);
  const columns: Record<string, string> = { ...(base?.columns ?? {}) };
  for (const [h, f] of Object.entries(m.columns)) columns[h.trim().toLowerCase()] = f === 'phone' ? 'phones' : f === 'email' ? 'emails' : f;
  const id = m.id ? (Array.isArray(m.id) ? m.id : [m.id]) : base?.id;
  return { entity, columns, id };
}
