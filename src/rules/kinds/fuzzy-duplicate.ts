import { z } from 'zod';
import { findDuplicates } from '../../dedupe/dedupe.js';
import { defineKind } from './kind.js';

let seq = 0;

export default defineKind({
  name: 'fuzzy-duplicate',
  description:
    'The same person or company typed differently, within or across CRMs (and, for people, across contacts and leads): ' +
    'normalised names (Cyrillic ↔ Latin, swapped first and last names), e-mails and E.164 phones, blocked by several equality ' +
    'rules, scored Fellegi–Sunter style with term-frequency weights, clustered without chaining. Every member of a cluster is a finding.',
  params: z.object({ across: z.enum(['entity', 'people']).default('entity'), threshold: z.number().min(0.5).max(1).optional() }).strict(),
  set: async (p, rule, ctx) => {
    const target = rule.entity === 'companies' ? 'companies' : p.across === 'people' ? 'people' : (rule.entity as 'contacts' | 'leads');
    const run = await findDuplicates(ctx.db, target, p.threshold ? { threshold: p.threshold } : {});
    const table = `crmq_fuzzy_${process.pid}_${++seq}`;
    await ctx.db.run(`CREATE OR REPLACE TEMP TABLE ${table} (entity VARCHAR, source VARCHAR, source_id VARCHAR, value VARCHAR, detail VARCHAR, cluster VARCHAR)`);
    const rows = run.clusters.flatMap((c) =>
      c.members.map((m) => {
        const others = c.members.filter((x) => x !== m).map((x) => `${x.entity === rule.entity ? '' : `${x.entity} `}${x.source}:${x.source_id}`);
        return [m.entity, m.source, m.source_id, m.label ?? '', `same as ${others.join(', ')} (p=${c.score.toFixed(3)}; ${c.matched})`, c.cluster];
      }),
    );
    const esc = (v: string) => `'${v.replaceAll("'", "''")}'`;
    for (let i = 0; i < rows.length; i += 2000) await ctx.db.run(`INSERT INTO ${table} VALUES ${rows.slice(i, i + 2000).map((r) => `(${r.map(esc).join(', ')})`).join(', ')}`);
    return `SELECT f.source, f.source_id, f.value, f.detail, f.cluster FROM ${table} f JOIN ${ctx.rows} r ON r.source = f.source AND r.source_id = f.source_id WHERE f.entity = '${rule.entity}'`;
  },
});
