import { z } from 'zod';
import { ident, lit } from '../../db/sql.js';
import { defineKind } from './kind.js';

// Russian INN: 10 digits (organisations) or 12 (individuals), with check digits.
const inn10 = (v: string) => {
  const w = [2, 4, 10, 3, 5, 9, 4, 6, 8];
  return `((${w.map((k, i) => `${k} * CAST(substr(${v}, ${i + 1}, 1) AS INTEGER)`).join(' + ')}) % 11 % 10 = CAST(substr(${v}, 10, 1) AS INTEGER))`;
};
const inn12 = (v: string) => {
  const w1 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
  const w2 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
  const sum = (w: number[]) => w.map((k, i) => `${k} * CAST(substr(${v}, ${i + 1}, 1) AS INTEGER)`).join(' + ');
  return `((${sum(w1)}) % 11 % 10 = CAST(substr(${v}, 11, 1) AS INTEGER) AND (${sum(w2)}) % 11 % 10 = CAST(substr(${v}, 12, 1) AS INTEGER))`;
};

export default defineKind({
  name: 'format',
  description:
    'Values that fail their format: `email` (CRM-grade, IDN and Cyrillic domains allowed), `phone` (libphonenumber-js, ' +
    'default region per source), `url`, `inn` (Russian tax id checksum), `date_range` (min date, max days in the future).',
  params: z
    .object({
      field: z.string(),
      format: z.enum(['email', 'phone', 'url', 'inn', 'date_range']),
      min: z.string().default('2000-01-01'),
      max_future_days: z.number().int().min(0).default(366),
    })
    .strict(),
  row: (p, rule) => {
    const f = ident(p.field);
    switch (p.format) {
      case 'email':
        // Every address in the list must be valid; the first bad one is shown.
        return p.field === 'emails'
          ? { fails: `len(list_filter(${f}, x -> NOT crmq_email_ok(trim(x)))) > 0`, value: `list_filter(${f}, x -> NOT crmq_email_ok(trim(x)))[1]` }
          : { fails: `${f} IS NOT NULL AND NOT crmq_email_ok(${f})`, value: f };
      case 'url':
        return { fails: `${f} IS NOT NULL AND NOT regexp_full_match(${f}, '(https?://)?([\\w\\x{80}-\\x{10FFFF}-]+\\.)+[\\w\\x{80}-\\x{10FFFF}-]{2,}(:\\d+)?(/\\S*)?')`, value: f };
      case 'inn': {
        const v = `regexp_replace(${f}, '\\s', '', 'g')`;
        return {
          fails: `${f} IS NOT NULL AND NOT coalesce(CASE WHEN regexp_full_match(${v}, '\\d{10}') THEN ${inn10(v)} WHEN regexp_full_match(${v}, '\\d{12}') THEN ${inn12(v)} ELSE FALSE END, FALSE)`,
          value: f,
        };
      }
      case 'date_range':
        return {
          fails: `${f} < DATE ${lit(p.min)} OR ${f} > current_date + INTERVAL ${p.max_future_days} DAY`,
          value: `strftime(${f}, '%Y-%m-%d')`,
        };
      case 'phone':
        throw new Error(`${rule.file}: format: phone is a set check`);
    }
  },
});
