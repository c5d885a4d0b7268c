// A user's mapping file (YAML) for the generic preset, or to extend a CRM preset.
import { didYouMean, readYamlDoc } from '../yaml-file.js';
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

export type LoadedMapping = Mapping & { file: string; error: (path: (string | number)[], message: string, at?: (string | number)[]) => Error };

export function loadMapping(path: string): LoadedMapping {
  const doc = readYamlDoc(path, MappingSchema, { what: 'mapping file' });
  const m = { ...doc.data, file: path, error: doc.error };
  if (m.entity) checkMappingFields(m, m.entity);
  return m;
}

/**
 * Every column must map to a field of the entity the file is loaded into (known only at import time when the
 * mapping names no entity): `Email: e_mail` is an error with its line, not a column silently kept in extra.
 */
export function checkMappingFields(m: LoadedMapping, entity: EntityName): void {
  const ok = targetFields(entity);
  for (const [header, field] of Object.entries(m.columns)) {
    if (!ok.has(field) && field !== 'ignore') {
      throw m.error(['columns', header], `"${field}" is not a field of ${entity}${didYouMean(field, [...ok])} (docs/model.md)`);
    }
  }
}

/** Applies a mapping on top of a preset's map (or alone): its columns win. */
export function mergeMapping(base: EntityMap | undefined, m: Mapping, entity: string): EntityMap {
  if (!isEntity(entity)) throw new CrmqError(`--entity: unknown entity "${entity}"`);
  const columns: Record<string, string> = { ...(base?.columns ?? {}) };
  for (const [h, f] of Object.entries(m.columns)) columns[h.trim().toLowerCase()] = f === 'phone' ? 'phones' : f === 'email' ? 'emails' : f;
  const id = m.id ? (Array.isArray(m.id) ? m.id : [m.id]) : base?.id;
  return { entity, columns, id };
}
