// Normalisers as SQL macros (vectorised in DuckDB, no per-row JS): names with Cyrillic → Latin transliteration,
// companies without legal forms, e-mail keys with provider rules, web domains without free-mail providers.
const CYR: [string, string][] = [
  ['щ', 'shch'], ['ж', 'zh'], ['х', 'kh'], ['ц', 'ts'], ['ч', 'ch'], ['ш', 'sh'], ['ю', 'yu'], ['я', 'ya'], ['ё', 'e'], ['й', 'y'], ['ъ', ''], ['ь', ''],
  ['а', 'a'], ['б', 'b'], ['в', 'v'], ['г', 'g'], ['д', 'd'], ['е', 'e'], ['з', 'z'], ['и', 'i'], ['к', 'k'], ['л', 'l'], ['м', 'm'], ['н', 'n'],
  ['о', 'o'], ['п', 'p'], ['р', 'r'], ['с', 's'], ['т', 't'], ['у', 'u'], ['ф', 'f'], ['ы', 'y'], ['э', 'e'],
];
// Letters written with several Latin letters by replace(), then every one-letter mapping (and ъ, ь dropped) by one translate().
const translit = (x: string) => {
  const multi = CYR.filter(([c, l]) => l.length > 1).reduce((acc, [c, l]) => `replace(${acc}, '${c}', '${l}')`, x);
  // translate() deletes the letters past the end of its target string: ъ and ь go last
  const single = [...CYR.filter(([, l]) => l.length === 1), ...CYR.filter(([, l]) => l === '')];
  return `translate(${multi}, '${single.map(([c]) => c).join('')}', '${single.map(([, l]) => l).join('')}')`;
};
/** The same transliteration in JS, for constants. */
export const latin = (s: string) => CYR.reduce((acc, [c, l]) => acc.replaceAll(c, l), s.toLowerCase());

export const FREE_MAIL = ['gmail.com', 'googlemail.com', 'yandex.ru', 'ya.ru', 'mail.ru', 'bk.ru', 'inbox.ru', 'list.ru', 'rambler.ru', 'outlook.com', 'hotmail.com', 'live.com', 'yahoo.com', 'icloud.com', 'me.com', 'gmx.de', 'web.de', 'proton.me', 'protonmail.com', 'aol.com'];

export const LEGAL_FORMS = ['ооо', 'оао', 'зао', 'пао', 'ао', 'ип', 'нко', 'ано', 'гуп', 'муп', 'llc', 'inc', 'ltd', 'limited', 'gmbh', 'ag', 'sa', 'sarl', 'bv', 'oy', 'ab', 'plc', 'corp', 'corporation', 'co', 'company', 'kg', 'nv', 'n v', 'b v'];

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];
const SUFFIX = ['st', 'nd', 'rd', 'th', 'th', 'th', 'th', 'th', 'th', 'th'];
/** [regex, replacement] applied in order to a dd_name'd address. */
const ADDRESS_RULES: [string, string][] = [
  ['\\s(between|btwn|at|near|off|corner of)\\s.*$', ''],
  ['\\b(suite|ste|rm|room|unit|apt|fl|floor|ofis|kv|kvartira)\\s*[a-z0-9]+\\b', ''],
  ...ORDINALS.map((w, i): [string, string] => [`\\b${w}\\b`, `${i + 1}${SUFFIX[i]}`]),
  ...([['street|str', 'st'], ['avenue|av', 'ave'], ['boulevard|blv', 'blvd'], ['road', 'rd'], ['drive', 'dr'], ['place', 'pl'], ['lane', 'ln'], ['court', 'ct'],
    ['parkway', 'pkwy'], ['highway', 'hwy'], ['square', 'sq'], ['west', 'w'], ['east', 'e'], ['north', 'n'], ['south', 's'],
    ['ulitsa', 'ul'], ['prospekt|prosp', 'pr'], ['pereulok', 'per'], ['shosse', 'sh'], ['naberezhnaya', 'nab'], ['ploshchad', 'pl'], ['dom|d', '']] as [string, string][])
    .map(([from, to]): [string, string] => [`\\b(${from})\\b`, to]),
];

export const DEDUPE_MACROS = `
-- lower case, ё→е, accents stripped, Cyrillic → Latin (passport style), punctuation to spaces, Latin spelling variants folded
-- (ASCII text, as many bytes as characters, only needs lower case: the same result at half the cost)
CREATE OR REPLACE TEMP MACRO dd_latin(s) AS CASE WHEN strlen(s) = length(s) THEN lower(s) ELSE ${translit("strip_accents(lower(replace(replace(s, 'Ё', 'Е'), 'ё', 'е')))")} END;
CREATE OR REPLACE TEMP MACRO dd_name(s) AS nullif(trim(regexp_replace(regexp_replace(regexp_replace(replace(dd_latin(s), 'x', 'ks'), '[^a-z0-9 ]', ' ', 'g'),
  '(iy|ij|yi|ii|ei|ey)\\b', 'y', 'g'), '\\s+', ' ', 'g')), '');
-- name tokens in alphabetical order: "Иванов Сергей" and "Sergey Ivanov" get the same key
CREATE OR REPLACE TEMP MACRO dd_name_key(s) AS array_to_string(list_sort(string_split(dd_name(s), ' ')), ' ');
CREATE OR REPLACE TEMP MACRO dd_company(s) AS nullif(trim(regexp_replace(regexp_replace(' ' || regexp_replace(dd_latin(s), '[^a-z0-9]+', ' ', 'g') || ' ',
  ' (${LEGAL_FORMS.map(latin).join('|')})(?: (?:${LEGAL_FORMS.map(latin).join('|')}))* ', ' ', 'g'), '\\s+', ' ', 'g')), '');
CREATE OR REPLACE TEMP MACRO dd_email(e) AS CASE WHEN split_part(lower(trim(e)), '@', 2) IN ('gmail.com', 'googlemail.com')
  THEN replace(split_part(split_part(lower(trim(e)), '@', 1), '+', 1), '.', '') || '@gmail.com'
  ELSE split_part(split_part(lower(trim(e)), '@', 1), '+', 1) || '@' || split_part(lower(trim(e)), '@', 2) END;
CREATE OR REPLACE TEMP MACRO dd_domain(s) AS CASE WHEN regexp_extract(lower(trim(s)), '^(?:https?://)?(?:www\\.)?(?:[^@/]*@)?([^/:?#@]+)', 1) IN (${FREE_MAIL.map((d) => `'${d}'`).join(', ')}) THEN NULL
  ELSE nullif(regexp_extract(lower(trim(s)), '^(?:https?://)?(?:www\\.)?(?:[^@/]*@)?([^/:?#@]+)', 1), '') END;
-- street addresses: dd_name, then street types and directions abbreviated, ordinal words as numbers ("fifth" → "5th"),
-- cross-street notes ("between 54th and 55th sts", "at 10th st") and units ("rm 105", "suite 2") dropped
CREATE OR REPLACE TEMP MACRO dd_address(s) AS CASE WHEN s IS NOT NULL THEN nullif(trim(regexp_replace(list_reduce(list_value(dd_name(s)${ADDRESS_RULES.map(([re, to]) => `, '${re}\x1f${to}'`).join('')}),
  (acc, rule) -> regexp_replace(acc, split_part(rule, '\x1f', 1), split_part(rule, '\x1f', 2), 'g')), '\\s+', ' ', 'g')), '') END;
CREATE OR REPLACE TEMP MACRO dd_digits(s) AS nullif(regexp_replace(s, '[^0-9]', '', 'g'), '');
-- identifiers as written (passport, tax, VAT numbers): letters and digits only, lower case
CREATE OR REPLACE TEMP MACRO dd_key(s) AS nullif(regexp_replace(lower(s), '[^0-9a-zа-яё]', '', 'g'), '');
`;
