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
  /** Ranking score: recognised headers, plus a little for each signature header. */
  matched: number;
  /** Headers the map knows (a canonical field, the id, or a known column of that export). */
  recognised: string[];
  /** Signature headers present, exactly as the export writes them (case counts: "firstname" is HubSpot's, "FirstName" Salesforce's). */
  signatures: number;
  /** The id header found in the file, if any. */
  idHeader?: string;
}

/** Does the map know this header: a canonical field, an id column or a known extra column of that export? */
export function knows(map: EntityMap, header: string): boolean {
  const h = norm(header);
  if (h in map.columns || (map.id ?? []).some((i) => norm(i) === h)) return true;
  return (map.known ?? []).some((k) => (k.endsWith('*') ? h.startsWith(k.slice(0, -1)) : h === k));
}

function score(preset: Preset, map: EntityMap, headers: string[]): PresetMatch {
  const sig = new Set((map.signature ?? []).map((x) => x.trim()));
  const real = headers.filter((h) => !h.startsWith('__trailing_'));
  const recognised = real.filter((h) => knows(map, h));
  const signatures = real.filter((h) => sig.has(h.trim().replace(/ \(\d+\)$/, ''))).length;
  const matched = recognised.length + 3 * signatures;
  const idHeader = real.find((h) => map.id?.some((i) => norm(i) === norm(h)));
  return { preset, map, matched, recognised, signatures, idHeader };
}

/** Every (preset, entity) layout ranked by how much of the file it recognises; ties go to a layout whose id column is present. */
export function rankLayouts(headers: string[], opts: { preset?: string; entity?: string } = {}): PresetMatch[] {
  const presets = opts.preset && opts.preset !== 'auto' ? PRESETS.filter((p) => p.id === opts.preset) : PRESETS;
  return presets
    .flatMap((p) => p.entities.filter((m) => !opts.entity || m.entity === opts.entity).map((m) => score(p, m, headers)))
    .sort((a, b) => b.matched - a.matched || Number(!!b.idHeader) - Number(!!a.idHeader));
}

/** The best layout for these headers (with a preset or entity given, among those only). */
export function detectPreset(headers: string[], opts: { preset?: string; entity?: string }): PresetMatch | undefined {
  const best = rankLayouts(headers, opts)[0];
  return best && best.recognised.length > 0 ? best : undefined;
}
