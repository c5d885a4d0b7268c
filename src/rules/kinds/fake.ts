import { z } from 'zod';
import { ident, lit, litList } from '../../db/sql.js';
import { defineKind } from './kind.js';

const PLACEHOLDER_NAMES = ['test', 'тест', 'testing', 'tester', 'asdf', 'asd', 'qwerty', 'qwe', 'йцукен', 'фыва', 'xxx', 'ххх', 'abc', 'noname', 'no name', 'без имени', 'unknown', 'неизвестно', 'test test', 'тест тестов', 'test testov', 'тестов', 'testov', 'foo', 'bar', 'dummy', 'sample', 'пример'];
const KEYBOARD_RUNS = ['asdf', 'sdfg', 'qwer', 'wert', 'zxcv', 'hjkl', 'йцук', 'цуке', 'фыва', 'ывап', 'ячсм', 'олдж'];
const SEQUENCES = ['12345', '123456', '1234567', '12345678', '123456789', '1234567890', '0123456789', '9876543210', '987654321'];
export const PLACEHOLDER_DOMAINS = ['example.com', 'example.org', 'example.net', 'example.ru', 'test.com', 'test.ru', 'test.test', 'domain.com', 'email.com', 'mail.test', 'localhost', 'invalid'];
export const DISPOSABLE_DOMAINS = [
  'mailinator.com', '10minutemail.com', 'guerrillamail.com', 'sharklasers.com', 'yopmail.com', 'temp-mail.org', 'tempmail.com', 'tempmail.net', 'trashmail.com',
  'maildrop.cc', 'dispostable.com', 'getnada.com', 'throwawaymail.com', 'fakeinbox.com', 'mailnesia.com', 'mintemail.com', 'spamgourmet.com', 'emailondeck.com',
  'mohmal.com', 'dropmail.me', 'tempr.email', 'discard.email', 'mytemp.email', 'crazymailing.com', 'tmpmail.org', 'burnermail.io', 'inboxkitten.com',
];

export default defineKind({
  name: 'fake',
  description:
    'Test and junk records: placeholder or keyboard-mashed names, placeholder and disposable e-mail domains, placeholder phones ' +
    '(one digit repeated, 1234567), and bursts of near-identical records created by one user seconds apart.',
  params: z
    .object({
      name_fields: z.array(z.string()).default(['full_name', 'first_name', 'last_name']),
      email_field: z.string().default('email'),
      phone_field: z.string().default('phones'),
      bulk_seconds: z.number().int().positive().default(10),
      bulk_min: z.number().int().min(2).default(5),
    })
    .strict(),
  set: (p, _rule, ctx) => {
    const names = p.name_fields.map((f) => {
      const v = `lower(trim(${ident(f)}))`;
      return `SELECT source, source_id, ${ident(f)} AS value, 'placeholder name' AS detail FROM ${ctx.rows}
        WHERE ${v} IN ${`(${PLACEHOLDER_NAMES.map(lit).join(', ')})`} OR (length(${v}) >= 3 AND replace(${v}, left(${v}, 1), '') = '')
          OR regexp_matches(${v}, '^(test|тест)[\\s\\d_-]') OR list_has_any(${litList(KEYBOARD_RUNS)}, [x for x in ${litList(KEYBOARD_RUNS)} if contains(${v}, x)])`;
    });
    const domain = `crmq_email_domain(${ident(p.email_field)})`;
    const email = `SELECT source, source_id, ${ident(p.email_field)} AS value,
        CASE WHEN ${domain} IN (${DISPOSABLE_DOMAINS.map(lit).join(', ')}) THEN 'disposable e-mail domain' ELSE 'placeholder e-mail' END AS detail
      FROM ${ctx.rows}
      WHERE ${domain} IN (${[...PLACEHOLDER_DOMAINS, ...DISPOSABLE_DOMAINS].map(lit).join(', ')})
         OR regexp_matches(lower(split_part(${ident(p.email_field)}, '@', 1)), '^(test|тест|asdf|qwerty|noemail|no-email|nomail|none|xxx)\\d*$')`;
    const digits = `regexp_replace(x, '\\D', '', 'g')`;
    // The number without a leading country code 7/8: "+7 (000) 000-00-00" is all zeros.
    const national = `regexp_replace(${digits}, '^[78](\\d{10})$', '\\1')`;
    const bad = `x -> (length(${national}) >= 5 AND replace(${national}, left(${national}, 1), '') = '') OR ${national} IN (${SEQUENCES.map(lit).join(', ')})`;
    const phone = `SELECT source, source_id, list_filter(${ident(p.phone_field)}, ${bad})[1] AS value,
        'placeholder phone' AS detail FROM ${ctx.rows}
      WHERE len(list_filter(${ident(p.phone_field)}, ${bad})) > 0`;
    const bulk = `SELECT source, source_id, full_name AS value, 'created with ' || (n - 1) || ' near-identical records within ${p.bulk_seconds} s by ' || coalesce(owner, 'one user') AS detail
      FROM (SELECT *, count(*) OVER (PARTITION BY source, owner, lower(coalesce(full_name, '')), floor(epoch(created_at) / ${p.bulk_seconds})) AS n FROM ${ctx.rows} WHERE created_at IS NOT NULL)
      WHERE n >= ${p.bulk_min}`;
    return `SELECT source, source_id, first(value) AS value, string_agg(DISTINCT detail, '; ') AS detail, NULL AS cluster
      FROM (${[...names, email, phone, bulk].join(' UNION ALL ')}) GROUP BY source, source_id`;
  },
});
