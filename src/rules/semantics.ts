// The semantic standard: what each canonical value means, and which raw label of which source means it.
import { readYamlFile } from '../yaml-file.js';
import { z } from 'zod';
import { CrmqError } from '../errors.js';

const StandardSchema = z
  .object({
    description: z.string().optional(),
    values: z.record(
      z.string(),
      z.object({ label: z.string().optional(), definition: z.string().min(1), order: z.number().int().optional(), probability: z.number().min(0).max(100).optional() }).strict(),
    ),
    /** source name (or "*" for every source) → raw label → canonical value */
    mappings: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  })
  .strict();

export const SemanticsSchema = z.object({ standards: z.record(z.string(), StandardSchema) }).strict();
export type Semantics = z.infer<typeof SemanticsSchema>;
export type Standard = z.infer<typeof StandardSchema>;

export function loadSemantics(paths: string[]): Semantics {
  const merged: Semantics = { standards: {} };
  for (const path of paths) {
    const data = readYamlFile(path, SemanticsSchema, { what: 'semantics file' });
    for (const [name, std] of Object.entries(data.standards)) {
      for (const [source, map] of Object.entries(std.mappings)) {
        for (const [raw, value] of Object.entries(map)) {
          if (!(value in std.values)) throw new CrmqError(`${path}: standards.${name}.mappings.${source}."${raw}": "${value}" is not one of the values of ${name}`);
        }
      }
      const prev = merged.standards[name];
      merged.standards[name] = prev
        ? { ...std, values: { ...prev.values, ...std.values }, mappings: mergeMappings(prev.mappings, std.mappings) }
        : std;
    }
  }
  return merged;
}

function mergeMappings(a: Standard['mappings'], b: Standard['mappings']): Standard['mappings'] {
  const out: Standard['mappings'] = { ...a };
  for (const [source, map] of Object.entries(b)) out[source] = { ...(out[source] ?? {}), ...map };
  return out;
}

export const normLabel = (s: string): string => s.trim().toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ');

/** The canonical value a source's raw label maps to: the source's own mapping first, then "*". */
export function mapLabel(std: Standard, source: string, raw: string): string | undefined {
  const key = normLabel(raw);
  for (const scope of [source, '*']) {
    const map = std.mappings[scope];
    if (!map) continue;
    for (const [label, value] of Object.entries(map)) if (normLabel(label) === key) return value;
  }
  return undefined;
}
