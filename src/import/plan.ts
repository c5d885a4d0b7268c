// Decides how a prepared file maps onto the model: which preset and entity, which column feeds which field.
import type { PreparedFile } from '../connectors/prepared-file.js';
import { detectPreset, norm, PRESET_IDS, rankLayouts } from '../connectors/presets/index.js';
import { assessFit, layoutName, refuse } from './guard.js';
import type { EntityMap, Preset } from '../connectors/presets/preset.js';
import { CrmqError } from '../errors.js';
import { ENTITIES, fieldsOf, isEntity, type EntityName } from '../model/tables.js';
import { checkMappingFields, loadMapping, mergeMapping } from './mapping.js';

export interface PlanOptions {
  file: string;
  preset?: string;
  entity?: string;
  mapping?: string;
  currency?: string;
  /** Load even when the layout does not fit the file (see guard.ts). */
  force?: boolean;
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
  /** Said to the user: mapping columns that are not in the file. */
  notes: string[];
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
    const apiRecords = pf.kind === 'json' && !!pf.presetHint;
    if (apiRecords && presetOpt !== 'auto' && presetOpt !== pf.presetHint && !opts.force) {
      throw new CrmqError(`--preset ${presetOpt} does not fit ${opts.file}: it holds ${pf.presetHint} API records (leave --preset out, or pass --preset ${pf.presetHint}). Nothing was loaded`);
    }
    if (apiRecords && opts.entity && pf.entityHint && opts.entity !== pf.entityHint && !opts.force) {
      throw new CrmqError(`--entity ${opts.entity} does not fit ${opts.file}: it holds ${pf.presetHint} ${pf.entityHint} records (leave --entity out, or pass --entity ${pf.entityHint}). Nothing was loaded`);
    }
    const match = detectPreset(header, { preset: hinted, entity }) ?? (hinted !== presetOpt ? detectPreset(header, { preset: presetOpt, entity }) : undefined);
    if (!match && !mapping) {
      const closest = rankLayouts(header, { preset: presetOpt, entity })[0];
      if (presetOpt === 'auto' && !opts.entity) {
        throw new CrmqError(
          `${opts.file}: no preset recognises these headers (${header.slice(0, 5).join(', ')}${header.length > 5 ? ', …' : ''}); ` +
            'pass --preset and --entity, or --mapping <file.yaml> (docs/import.md)',
        );
      }
      if (!closest) throw new CrmqError(`--preset ${presetOpt} has no ${entity} layout (${opts.file}); leave --entity or --preset out, or pass --mapping <file.yaml>`);
      refuse(opts.file, assessFit(header, closest.map, new Set(), closest.preset.id, false), layoutName(closest), { preset: opts.preset, entity: opts.entity });
    }
    preset = match?.preset;
    map = match?.map;
  }
  if (mapping) {
    const e = entity ?? map?.entity;
    if (!e) throw new CrmqError(`${opts.mapping}: say which entity the file holds (entity: contacts) or pass --entity`);
    map = mergeMapping(map, mapping, e);
    checkMappingFields(mapping, map.entity as EntityName);
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
    // A custom field named "Label [api_name]" (amoCRM, HubSpot) is found by the whole header, its API name or its label.
    const named = / \[([^\]]+)\]$/.exec(h);
    const field = map!.columns[norm(h)] ?? (named ? (map!.columns[norm(named[1])] ?? map!.columns[norm(h.slice(0, named.index))]) : undefined);
    if (field && field !== 'ignore' && field in known) {
      fields.set(field, [...(fields.get(field) ?? []), cols[i]]);
      mapped[h] = field;
    } else {
      unmapped.push(h);
    }
  });
  // The guard: a preset's layout must fit the file. A mapping file is the user's own layout and is not second-guessed;
  // with both --preset and --entity named, the key fields are the user's call too.
  if (!opts.force && !mapping) {
    const apiRecords = pf.kind === 'json' && !!pf.presetHint;
    const fit = assessFit(header, map, new Set(fields.keys()), preset?.id, apiRecords, { keyFields: !(opts.preset && opts.preset !== 'auto' && opts.entity) });
    if (fit.problem) refuse(opts.file, fit, layoutName({ preset: preset!, map }), { preset: opts.preset, entity: opts.entity });
  }
  const headers = new Set(header.map(norm));
  const absent = Object.keys(mapping?.columns ?? {}).filter((h) => !headers.has(norm(h)));
  const notes = absent.length ? [`${opts.mapping}: no column ${absent.map((h) => `"${h}"`).join(', ')} in this file (mapped to nothing)`] : [];
  if (opts.currency && !/^[A-Z]{3}$/.test(opts.currency)) throw new CrmqError(`--currency: "${opts.currency}" is not a 3-letter ISO code such as RUB`);
  return {
    preset, presetId: mapping ? (preset ? `${preset.id}+mapping` : 'generic') : preset!.id, map, idColumn, fields, mapped, unmapped,
    jsonColumns: new Set(pf.jsonColumns ?? []),
    defaultCurrency: opts.currency ?? mapping?.currency ?? preset?.defaultCurrency,
    slashDefault: mapping?.date_order ?? (preset?.defaultCurrency === 'RUB' ? 'dmy' : 'mdy'), notes,
  };
}

