import { z } from 'zod';
import { ident, lit } from '../../db/sql.js';
import { defineKind } from './kind.js';

const KEYS = {
  email: (f: string) => `crmq_email_key(${f})`,
  text: (f: string) => `nullif(lower(trim(regexp_replace(${f}::VARCHAR, '\\s+', ' ', 'g'))), '')`,
  exact: (f: string) => `nullif(${f}::VARCHAR, '')`,
};

export default defineKind({
  name: 'unique',
  description:
    'Exact duplicates on a key after normalisation: `email` (trimmed, case-folded), `phone` (E.164 of any of the phones), ' +
    '`text` (case and spaces folded) or `exact`. Every member of a group is a finding with the same cluster id, naming the other members.',
  params: z
    .object({ fields: z.array(z.string()).min(1), normalize: z.enum(['email', 'phone', 'text', 'exact']).default('text'), across_sources: z.boolean().default(true) })
    .strict(),
  set: (p, rule, ctx) => {
    const keyed =
      p.normalize === 'phone'
        ? `SELECT DISTINCT r.source, r.source_id, k.e164 AS k, k.e164 AS shown FROM ${ctx.rows} r
           JOIN phone_keys k ON k.entity = ${lit(rule.entity)} AND k.source = r.source AND k.source_id = r.source_id WHERE k.e164 IS NOT NULL`
        : `SELECT source, source_id, ${p.fields.map((f) => KEYS[p.normalize as keyof typeof KEYS](ident(f))).join(` || '|' || `)} AS k,
             concat_ws(' | ', ${p.fields.map((f) => `${ident(f)}::VARCHAR`).join(', ')}) AS shown FROM ${ctx.rows}`;
    const scope = p.across_sources ? 'k' : 'source, k';
    return `
      SELECT source, source_id, shown AS value,
        'also ' || array_to_string(list_filter(list_sort(list(source || ':' || source_id) OVER (PARTITION BY ${scope})), x -> x <> source || ':' || source_id), ', ') AS detail,
        ${lit(rule.id)} || ':' || md5(${p.across_sources ? 'k' : `source || '|' || k`})[1:12] AS cluster
      FROM (SELECT *, count(*) OVER (PARTITION BY ${scope}) AS n FROM (${keyed}) WHERE k IS NOT NULL)
      WHERE n > 1`;
  },
});
