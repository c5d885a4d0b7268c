// Decides how a prepared file maps onto the model: which preset and entity, which column feeds which field.
import type { PreparedFile } from '../connectors/prepared-file.js';
import { detectPreset, norm, PRESET_IDS } from '../connectors/presets/index.js';
import type { EntityMap, Preset } from '../connectors/presets/preset.js';
import { CrmqError } from '../errors.js';
import { ENTITIES, fieldsOf, isEntity } from '../model/tables.js';
import { loadMapping, mergeMapping } from './mapping.js';

export interface PlanOptions {
  file: string;
  preset?: string;
  entity?: string;
  mapping?: string;
  currency?: string;
}

export interface Plan {
  preset: Preset | undefined;
  presetId: string;
  map: EntityMap;
  idColumn?: string;
  /** field → staging columns feeding it, in header order. */
  fields: Map<string, string[]>;
  mapped: Record<string, string>;
  unmapped: string[];
  /** Headers whose cells are JSON (API arrays kept whole). */
  jsonColumns: Set<string>;
  defaultCurrency?: string;
  slashDefault: 'dmy' | 'mdy';
}

export function plan(header: string[], cols: string[], pf: PreparedFile, opts: PlanOptions): Plan {
  const mapping = opts.mapping ? loadMapping(opts.mapping) : undefined;
  const entity = opts.entity ?? mapping?.entity ?? pf.entityHint;
  if (entity && !isEntity(entity)) throw new CrmqError(`--entity: unknown entity "${entity}" (one of ${ENTITIES.join(', ')})`);
  const presetOpt = opts.preset ?? (mapping && !opts.preset ? 'generic' : 'auto');
  if (!PRESET_IDS.includes(presetOpt)) throw new CrmqError(`--preset: unknown preset "${presetOpt}" (one of ${PRESET_IDS.join(', ')})`);
  let preset: Preset | undefined;
  let map: EntityMap | undefined;
  if (presetOpt !== 'generic') {
    const hinted = presetOpt === 'auto' && pf.presetHint ? pf.presetHint : presetOpt;
    const match = detectPreset(header, { preset: hinted, entity }) ?? (hinted !== presetOpt ? detectPreset(header, { preset: presetOpt, entity }) : undefined);
    if (!match && !mapping) {
      throw new CrmqError(
        `${opts.file}: no preset recognises these headers (${header.slice(0, 5).join(', ')}${header.length > 5 ? ', …' : ''}); ` +
          'pass --preset and --entity, or --mapping <file.yaml> (docs/import.md)',
      );
    }
    preset = match?.preset;
    map = match?.map;
  }
  if (mapping) {
    const e = entity ?? map?.entity;
    if (!e) throw new CrmqError(`${opts.mapping}: say which entity the file holds (entity: contacts) or pass --entity`);
    map = mergeMapping(map, mapping, e);
  }
  if (!map) throw new CrmqError(`${opts.file}: cannot tell which entity this file holds; pass --entity`);
  const known = fieldsOf(map.entity);
  const fields = new Map<string, string[]>();
  const mapped: Record<string, string> = {};
  const unmapped: string[] = [];
  const idNorms = new Set((map.id ?? []).map(norm));
  let idColumn: string | undefined;
  header.forEach((h, i) => {
    if (h.startsWith('__trailing_')) return;
    if (!idColumn && idNorms.has(norm(h)) && !/ \(\d+\)$/.test(h)) {
      idColumn = cols[i];
      mapped[h] = 'source_id';
      return;
    }
    const field = map!.columns[norm(h)];
    if (field && field !== 'ignore' && field in known) {
      fields.set(field, [...(fields.get(field) ?? []), cols[i]]);
      mapped[h] = field;
    } else {
      unmapped.push(h);
    }
  });
  if (opts.currency && !/^[A-Z]{3}$/.test(opts.currency)) throw new CrmqError(`--currency: "${opts.currency}" is not a 3-letter ISO code such as RUB`);
  return {
    preset, presetId: mapping ? (preset ? `${preset.id}+mapping` : 'generic') : preset!.id, map, idColumn, fields, mapped, unmapped,
    jsonColumns: new Set(pf.jsonColumns ?? []),
    defaultCurrency: opts.currency ?? mapping?.currency ?? preset?.defaultCurrency,
    slashDefault: mapping?.date_order ?? (preset?.defaultCurrency === 'RUB' ? 'dmy' : 'mdy'),
  };
}

