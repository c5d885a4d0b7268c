import Fuse from 'fuse.js';
import { z } from 'zod';
import { ident, lit } from '../../db/sql.js';
import { CrmqError } from '../../errors.js';
import { mapLabel, normLabel, type Standard } from '../semantics.js';
import { defineKind } from './kind.js';

/** The canonical values whose names, labels, definitions or mapped raw labels read most like `raw`. */
export function suggester(std: Standard): (raw: string) => string[] {
  const docs = Object.entries(std.values).flatMap(([value, v]) => [
    { value, text: value },
    ...(v.label ? [{ value, text: v.label }] : []),
    ...Object.values(std.mappings).flatMap((m) => Object.entries(m).filter(([, to]) => to === value).map(([label]) => ({ value, text: label }))),
  ]);
  const fuse = new Fuse(docs, { keys: ['text'], includeScore: true, threshold: 0.6, ignoreLocation: true });
  return (raw) => [...new Set(fuse.search(raw).map((r) => r.item.value))].slice(0, 3);
}

/** Labels mapped to one meaning in one source and another elsewhere (a source's mapping, or the "*" default). */
export function conflicts(std: Standard): { source: string; raw: string; value: string; other: string; otherScope: string }[] {
  const out: { source: string; raw: string; value: string; other: string; otherScope: string }[] = [];
  const scopes = Object.entries(std.mappings);
  for (const [source, map] of scopes) {
    if (source === '*') continue;
    for (const [raw, value] of Object.entries(map)) {
      for (const [otherScope, otherMap] of scopes) {
        if (otherScope === source) continue;
        const hit = Object.entries(otherMap).find(([l]) => normLabel(l) === normLabel(raw));
        if (hit && hit[1] !== value) out.push({ source, raw, value, other: hit[1], otherScope });
      }
    }
  }
  return out;
}

let seq = 0;

export default defineKind({
  name: 'vocabulary',
  description:
    'Checks `field` against the semantic standard `standard` (semantics.yaml): a raw value with no mapping for its source is a finding ' +
    '(with the nearest canonical values, by fuse.js); a label that means one thing in one source and another elsewhere is a finding.',
  params: z.object({ field: z.string(), standard: z.string() }).strict(),
  set: async (p, rule, ctx) => {
    const std = ctx.semantics?.standards[p.standard];
    if (!std) throw new CrmqError(`${rule.file}: params.standard: no standard "${p.standard}" in the semantics file (standards: ${Object.keys(ctx.semantics?.standards ?? {}).join(', ') || 'none loaded'})`);
    const pairs = await ctx.db.all<{ source: string; raw: string }>(`SELECT DISTINCT source, ${ident(p.field)} AS raw FROM ${ctx.rows} WHERE ${ident(p.field)} IS NOT NULL`);
    const suggest = suggester(std);
    const unmapped = pairs.filter((x) => mapLabel(std, x.source, x.raw) === undefined);
    const table = `crmq_vocab_${process.pid}_${++seq}`;
    await ctx.db.run(`CREATE OR REPLACE TEMP TABLE ${table} (source VARCHAR, raw VARCHAR, detail VARCHAR)`);
    const values = unmapped.map((x) => {
      const s = suggest(x.raw);
      return `(${lit(x.source)}, ${lit(x.raw)}, ${lit(`not in ${p.standard} for ${x.source}${s.length ? `; nearest: ${s.join(', ')}` : ''}`)})`;
    });
    if (values.length) await ctx.db.run(`INSERT INTO ${table} VALUES ${values.join(', ')}`);
    const seen = new Set(pairs.map((x) => x.source));
    const clash = conflicts(std).filter((c) => seen.has(c.source));
    const clashSql = clash.map(
      (c) => `SELECT ${lit(c.source)} AS source, ${lit(`label:${c.raw}`)} AS source_id, ${lit(c.raw)} AS value,
        ${lit(`means "${c.value}" in ${c.source} but "${c.other}" in ${c.otherScope === '*' ? 'the default mapping' : c.otherScope}`)} AS detail, NULL AS cluster`,
    );
    return [
      `SELECT r.source, r.source_id, r.${ident(p.field)} AS value, v.detail, NULL AS cluster FROM ${ctx.rows} r JOIN ${table} v ON v.source = r.source AND v.raw = r.${ident(p.field)}`,
      ...clashSql,
    ].join(' UNION ALL ');
  },
});
