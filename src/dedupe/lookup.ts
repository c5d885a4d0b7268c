// `crmq find`: one query over contacts, leads and companies, read as what it looks like. An e-mail (has "@") matches
// exactly first, then the same mailbox (gmail dots, +tags), then by similarity; a phone (digits only) matches any
// stored format of the same number (+7…, 8…, without the country code); anything else is a name or a company.
// Names compare word by word after transliteration (Cyrillic and Latin alike, any order): an exact word beats a
// similar one, and the surname and first name count more than a patronymic, so "Иванов" finds Олег Андреевич Иванов
// before Татьяна Ивановна Петрова.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Db } from '../db/database.js';
import { lit, litList } from '../db/sql.js';
import { DEDUPE_MACROS } from './normalize-sql.js';

export type QueryKind = 'e-mail' | 'phone' | 'name';

export type FoundRecord = {
  score: number;
  entity: 'contact' | 'lead' | 'company';
  source: string;
  source_id: string;
  name: string | null;
  company: string | null;
  email: string | null;
  phone: string | null;
  /** What matched: e-mail, phone, inn, name or company. */
  matched: string;
};

/** Word weights: a patronymic (Ивановна, Sergeevich) is the weakest evidence that a record is the person asked for. */
const WEIGHT = { surname: 1, first: 1, patronymic: 0.8, company: 0.7 };
const PATRONYMIC = '(ovich|evich|ovna|evna|ichna)$';
/** Results under this score are left out. */
const FLOOR = 0.7;

const MACROS = `
CREATE OR REPLACE TEMP MACRO fd_words(s, w) AS coalesce(list_transform(string_split(dd_name(s), ' '), t -> {'t': t, 'w': w}), []);
-- a full name alone: any word may be the surname, a patronymic is recognised by its ending
CREATE OR REPLACE TEMP MACRO fd_full(s) AS coalesce(list_transform(string_split(dd_name(s), ' '),
  t -> {'t': t, 'w': CASE WHEN regexp_matches(t, '${PATRONYMIC}') THEN ${WEIGHT.patronymic} ELSE ${WEIGHT.surname} END}), []);
CREATE OR REPLACE TEMP MACRO fd_person(full_name, first_name, last_name, middle_name) AS CASE WHEN coalesce(first_name, last_name) IS NULL THEN fd_full(full_name)
  ELSE list_concat(fd_words(last_name, ${WEIGHT.surname}), fd_words(first_name, ${WEIGHT.first}), fd_words(middle_name, ${WEIGHT.patronymic})) END;
CREATE OR REPLACE TEMP MACRO fd_company(s) AS coalesce(list_transform(string_split(dd_company(s), ' '), t -> {'t': t, 'w': 1.0}), []);
-- an exact word is 1, a similar one (Jaro–Winkler ≥ 0.8) at most 0.9, so "ivanov" = "ivanov" beats "ivanov" ~ "ivanovna"; others 0
CREATE OR REPLACE TEMP MACRO fd_sim(a, b) AS CASE WHEN a = b THEN 1.0 WHEN jaro_winkler_similarity(a, b) >= 0.8 THEN jaro_winkler_similarity(a, b) * 0.9 ELSE 0 END;
CREATE OR REPLACE TEMP MACRO fd_digits(xs) AS list_filter(list_transform(xs, p -> regexp_replace(p, '[^0-9]', '', 'g')), d -> d <> '');
`;

const RECORDS = `
  SELECT 'contact' AS entity, 1 AS entity_order, source, source_id, coalesce(full_name, concat_ws(' ', last_name, first_name, middle_name)) AS name,
    company_name AS company, email, list_concat([email], emails) AS all_emails, phone, list_concat([phone], phones) AS all_phones, NULL AS inn,
    fd_person(full_name, first_name, last_name, middle_name) AS words, fd_company(company_name) AS company_words FROM contacts
  UNION ALL
  SELECT 'lead', 2, source, source_id, coalesce(full_name, concat_ws(' ', last_name, first_name, middle_name), title), company_name, email,
    list_concat([email], emails), phone, list_concat([phone], phones), NULL, fd_person(full_name, first_name, last_name, middle_name), fd_company(company_name) FROM leads
  UNION ALL
  SELECT 'company', 3, source, source_id, name, NULL, email, list_concat([email], emails), phone, list_concat([phone], phones), inn, [], fd_company(name) FROM companies`;

/** What the query looks like: an e-mail, a phone number (digits and phone punctuation only), or a name. */
export function queryKind(query: string): QueryKind {
  if (query.includes('@')) return 'e-mail';
  if (!/\p{L}/u.test(query) && query.replace(/\D/g, '').length >= 5) return 'phone';
  return 'name';
}

/** The digit strings a stored phone may hold for the queried number, and whether the query is a whole number. */
export function phoneForms(query: string, region: string): { whole: string[]; part: string } {
  const digits = query.replace(/\D/g, '');
  const pn = parsePhoneNumberFromString(query, region as CountryCode);
  if (pn?.isPossible()) {
    const national = pn.nationalNumber as string;
    const forms = [pn.number.slice(1), national, pn.formatNational().replace(/\D/g, '')];
    return { whole: [...new Set(forms)], part: national };
  }
  // A partial number ("+7 912 345"): its digits after any country code, found inside a stored number.
  return { whole: [], part: query.trim().startsWith('+') && pn ? (pn.nationalNumber as string) : digits };
}

/** Scores of every record as SQL: [score, what matched]. */
function scoring(query: string, kind: QueryKind, region: string): { score: string; matched: string } {
  if (kind === 'e-mail') {
    const q = lit(query.trim().toLowerCase());
    const mails = `list_transform(list_filter(all_emails, e -> e IS NOT NULL), e -> lower(trim(e)))`;
    return {
      score: `CASE WHEN list_contains(${mails}, ${q}) THEN 1.0
        WHEN list_contains(list_transform(${mails}, e -> dd_email(e)), dd_email(${q})) THEN 0.95
        WHEN len(list_filter(${mails}, e -> starts_with(e, ${q}))) > 0 THEN 0.9
        ELSE coalesce(list_max(list_transform(${mails}, e -> jaro_winkler_similarity(e, ${q}))), 0) * 0.85 END`,
      matched: `'e-mail'`,
    };
  }
  if (kind === 'phone') {
    const { whole, part } = phoneForms(query, region);
    const digits = `fd_digits(list_filter(all_phones, p -> p IS NOT NULL))`;
    const wholeMatch = whole.length ? `len(list_intersect(${digits}, ${litList(whole)})) > 0` : 'FALSE';
    const inn = lit(query.replace(/\D/g, ''));
    return {
      score: `CASE WHEN ${wholeMatch} OR inn = ${inn} THEN 1.0 WHEN len(list_filter(${digits}, d -> contains(d, ${lit(part)}))) > 0 THEN 0.8 ELSE 0 END`,
      matched: `CASE WHEN inn = ${inn} THEN 'inn' ELSE 'phone' END`,
    };
  }
  // A name or a company: each query word's best match among the record's words, weighted, averaged over the query.
  const q = lit(query);
  const avg = (queryWords: string, words: string) =>
    `coalesce(list_avg(list_transform(${queryWords}, q -> coalesce(list_max(list_transform(${words}, x -> fd_sim(q, x.t) * x.w)), 0))), 0)`;
  const person = avg(`string_split(dd_name(${q}), ' ')`, 'words');
  const company = `${avg(`coalesce(string_split(dd_company(${q}), ' '), [])`, 'company_words')} * CASE WHEN entity = 'company' THEN 1 ELSE ${WEIGHT.company} END`;
  return { score: `greatest(${person}, ${company})`, matched: `CASE WHEN ${person} >= ${company} THEN 'name' ELSE 'company' END` };
}

export async function findRecords(db: Db, query: string, opts: { limit: number; region: string }): Promise<FoundRecord[]> {
  await db.run(DEDUPE_MACROS + MACROS);
  const { score, matched } = scoring(query, queryKind(query), opts.region);
  const rows = await db.all<FoundRecord & { entity_order: number }>(`
    SELECT * FROM (SELECT round(${score}, 3) AS score, entity, entity_order, source, source_id, name, company, email, phone, ${matched} AS matched FROM (${RECORDS}))
    WHERE score >= ${FLOOR} ORDER BY score DESC, entity_order, source, source_id LIMIT ${opts.limit}`);
  return rows.map(({ entity_order: _, ...r }) => ({ ...r, score: Number(r.score) }));
}
