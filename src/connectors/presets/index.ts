import amocrm from './amocrm.js';
import bitrix24 from './bitrix24.js';
import canonical from './canonical.js';
import hubspot from './hubspot.js';
import pipedrive from './pipedrive.js';
import type { EntityMap, Preset } from './preset.js';
import salesforce from './salesforce.js';
import zoho from './zoho.js';

// Order breaks ties: a file whose headers are all crmq field names is canonical before any CRM's.
export const PRESETS: Preset[] = [canonical, hubspot, salesforce, pipedrive, zoho, bitrix24, amocrm];
export const PRESET_IDS = ['auto', 'generic', ...PRESETS.map((p) => p.id)];

export const norm = (h: string): string => h.trim().toLowerCase().replace(/\s+/g, ' ').replace(/ \(\d+\)$/, '');

export interface PresetMatch {
  preset: Preset;
  map: EntityMap;
  /** How many of the file's headers the map knows. */
  matched: number;
  /** The id header found in the file, if any. */
  idHeader?: string;
}

function score(preset: Preset, map: EntityMap, headers: string[]): PresetMatch {
  const known = new Set(Object.keys(map.columns));
  const sig = new Set((map.signature ?? []).map(norm));
  const matched = headers.filter((h) => known.has(norm(h))).length + 100 * headers.filter((h) => sig.has(norm(h))).length;
  const idHeader = headers.find((h) => map.id?.some((i) => norm(i) === norm(h)));
  return { preset, map, matched, idHeader };
}

/**
 * Ranks every (preset, entity) pair by how many headers it recognises; ties go to a map whose id column
 * is present. With a preset or entity given, only those are considered.
 */
export function detectPreset(headers: string[], opts: { preset?: string; entity?: string }): PresetMatch | undefined {
  const presets = opts.preset && opts.preset !== 'auto' ? PRESETS.filter((p) => p.id === opts.preset) : PRESETS;
  const ranked = presets
    .flatMap((p) => p.entities.filter((m) => !opts.entity || m.entity === opts.entity).map((m) => score(p, m, headers)))
    .sort((a, b) => b.matched - a.matched || Number(!!b.idHeader) - Number(!!a.idHeader));
  const best = ranked[0];
  return best && best.matched > 0 ? best : undefined;
}
