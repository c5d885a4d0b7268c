// Comparison levels per field kind, as SQL over two dd_rec rows (a, b): -1 when either side is empty, 0 when the
// values differ, up to TOP[kind] when they are the same. Levels are what m and u are estimated for.
import { ident } from '../db/sql.js';
import type { Comparison, EntityConfig } from './config.js';

export const TOP: Record<Comparison, number> = { name: 4, text: 3, exact: 2, date: 3, email: 3, address: 4, org: 3, phone: 3 };

/** What each level means, for --explain (index = level). */
export const LEVEL_NAMES: Record<Comparison, string[]> = {
  name: ['different', 'Jaro-Winkler ≥ 0.7', 'Jaro-Winkler ≥ 0.88', 'Jaro-Winkler ≥ 0.94', 'exact'],
  text: ['different', 'Jaro-Winkler ≥ 0.75', 'Jaro-Winkler ≥ 0.9', 'exact'],
  exact: ['different', 'one typo', 'exact'],
  date: ['different', 'same year or same month and day', 'one typo', 'exact'],
  email: ['different', 'same user, other domain', 'one typo', 'exact'],
  address: ['different', 'similar text', 'same street', 'same number and street', 'exact'],
  org: ['different', 'Jaro-Winkler ≥ 0.75', 'Jaro-Winkler ≥ 0.9 or words within', 'exact'],
  phone: ['different', 'same exchange block', 'one typo', 'exact'],
};

/** Kinds whose levels are bands of the Jaro–Winkler similarity of the two values (computed once per pair; addresses compare their parts). */
const BY_JW = new Set<Comparison>(['name', 'text', 'org']);

/**
 * `then` when the values are at most one edit apart (Damerau–Levenshtein), else `otherwise`. Edit distance is slow in
 * DuckDB: nested CASEs (which skip the rows an earlier branch decided) rule most pairs out first by length, then
 * because one edit leaves either the first or the last (shorter length − 1) / 2 characters as they were.
 */
function oneEdit(l: string, r: string, then: string, otherwise: string): string {
  const n = `((least(length(${l}), length(${r})) - 1) // 2)`;
  const any = `CASE WHEN abs(length(${l}) - length(${r})) > 1 THEN ${otherwise} WHEN ${n} >= 1 AND left(${l}, ${n}) <> left(${r}, ${n}) AND right(${l}, ${n}) <> right(${r}, ${n}) THEN ${otherwise}
    WHEN damerau_levenshtein(${l}, ${r}) <= 1 THEN ${then} ELSE ${otherwise} END`;
  // Two ASCII values of one length (every phone, most e-mail users): one edit is one substitution (one position
  // differs) or one swap of neighbours (two), so the positions that differ (hamming, one pass, no matrix) decide all
  // but two differing positions, and those go to the edit distance (0.26 against 3.9 CPU s for the phone levels of
  // 6.9 million pairs at a million contacts).
  const h = `hamming(${l}, ${r})`;
  return `CASE WHEN strlen(${l}) = strlen(${r}) AND strlen(${l}) = length(${l}) AND strlen(${r}) = length(${r})
    THEN CASE WHEN ${h} <= 1 THEN ${then} WHEN ${h} > 2 THEN ${otherwise} WHEN damerau_levenshtein(${l}, ${r}) <= 1 THEN ${then} ELSE ${otherwise} END
    ELSE ${any} END`;
}

function gammaSql(kind: Comparison, l: string, r: string, jwOf?: string, lists?: [string, string], namedUser?: string, emailParts?: string[]): string {
  const jw = jwOf ?? `jaro_winkler_similarity(${l}, ${r})`;
  const nul = `WHEN ${l} IS NULL OR ${r} IS NULL THEN -1`;
  switch (kind) {
    case 'name':
      return `CASE ${nul} WHEN ${l} = ${r} THEN 4 WHEN ${jw} >= 0.94 THEN 3 WHEN ${jw} >= 0.88 THEN 2 WHEN ${jw} >= 0.7 THEN 1 ELSE 0 END`;
    case 'text':
      return `CASE ${nul} WHEN ${l} = ${r} THEN 3 WHEN ${jw} >= 0.9 THEN 2 WHEN ${jw} >= 0.75 THEN 1 ELSE 0 END`;
    case 'exact':
      return `CASE ${nul} WHEN ${l} = ${r} THEN 2 ELSE ${oneEdit(l, r, '1', '0')} END`;
    case 'date':
      return `CASE ${nul} WHEN ${l} = ${r} THEN 3 ELSE ${oneEdit(l, r, '2',
        `CASE WHEN length(${l}) = 8 AND length(${r}) = 8 AND (substr(${l}, 1, 4) = substr(${r}, 1, 4) OR substr(${l}, 5, 4) = substr(${r}, 5, 4)) THEN 1 ELSE 0 END`)} END`;
    case 'email': {
      // A typo inside one mailbox is strong. The same user name at another domain is weak evidence, weighted by how
      // common the user name is, and none at all when it is just the person's name: namesakes pick the same
      // "fedor.zakharov" at list.ru and inbox.ru, so it says nothing the names have not said.
      // (user and domain parts computed once per pair by gammasSelect: a CASE evaluates each branch's own calls)
      const [lu, ru, ld, rd] = emailParts ?? [`split_part(${l}, '@', 1)`, `split_part(${r}, '@', 1)`, `split_part(${l}, '@', 2)`, `split_part(${r}, '@', 2)`];
      // A typo is in the letters: fedor.zakharov85 and fedor.zakharov86 are two people born a year apart, and
      // sergeypavlov@ and sergey.pavlov@ two mailboxes; near-misses of a user name that is the person's name are no evidence either.
      const digits = (x: string) => `regexp_replace(${x}, '[^0-9]', '', 'g')`;
      const letters = (x: string) => `regexp_replace(${x}, '[^a-z]', '', 'g')`;
      const typo = `CASE WHEN ${digits(lu)} = ${digits(ru)} AND ${letters(lu)} <> ${letters(ru)} THEN ${namedUser ? `CASE WHEN ${namedUser} THEN -1 ELSE 2 END` : '2'} ELSE 0 END`;
      const sameUser = namedUser ? `CASE WHEN ${namedUser} THEN -1 ELSE 1 END` : '1';
      return `CASE ${nul} WHEN ${l} = ${r} THEN 3 WHEN ${lu} = ${ru} THEN ${sameUser} WHEN ${ld} <> ${rd} OR length(${lu}) < 5 THEN 0
        ELSE ${oneEdit(lu, ru, typo, '0')} END`;
    }
    case 'org': {
      // Organisation names: also "mason" vs "legacy charter school at mason school": most words of the shorter name
      // are in the longer one (overlap coefficient ≥ 0.8).
      const overlap = `len(list_intersect(string_split(${l}, ' '), string_split(${r}, ' '))) / least(len(string_split(${l}, ' ')), len(string_split(${r}, ' ')))`;
      return `CASE ${nul} WHEN ${l} = ${r} THEN 3 WHEN ${jw} >= 0.9 OR ${overlap} >= 0.8 THEN 2 WHEN ${jw} >= 0.75 THEN 1 ELSE 0 END`;
    }
    case 'phone': {
      // Any number in common is the same phone; an organisation's numbers often share all but the last two digits.
      // (a phone list is there only for records with more than one number)
      const any = lists ? ` OR (${lists[0]} IS NOT NULL OR ${lists[1]} IS NOT NULL) AND list_has_any(coalesce(${lists[0]}, [${l}]), coalesce(${lists[1]}, [${r}]))` : '';
      return `CASE ${nul} WHEN ${l} = ${r}${any} THEN 3 ELSE ${oneEdit(l, r, '2',
        `CASE WHEN length(${l}) >= 7 AND length(${l}) = length(${r}) AND left(${l}, length(${l}) - 2) = left(${r}, length(${r}) - 2) THEN 1 ELSE 0 END`)} END`;
    }
    case 'address': {
      // (dd_address'd) house number, then the street: same number and street, same street, similar text.
      const num = (x: string) => `regexp_extract(${x}, '^\\d+')`;
      const street = (x: string) => `regexp_replace(${x}, '^\\d+\\s*', '')`;
      const sjw = `jaro_winkler_similarity(${street(l)}, ${street(r)})`;
      const within = (a: string, b: string) => `list_has_all(string_split(${street(b)}, ' '), string_split(${street(a)}, ' '))`;
      return `CASE ${nul} WHEN ${l} = ${r} THEN 4 WHEN ${num(l)} <> '' AND ${num(l)} = ${num(r)} AND (${sjw} >= 0.85 OR ${within(l, r)} OR ${within(r, l)}) THEN 3
        WHEN ${sjw} >= 0.9 THEN 2 WHEN ${jw} >= 0.75 THEN 1 ELSE 0 END`;
    }
  }
}

/**
 * The comparison vectors of a pair relation (integer columns l, r): g_<field> per field, and for term-frequency
 * fields the value's frequency when it is shared (tfv_<field>). Swapped first and last names (one of them equal
 * crosswise, neither in place) compare as names. Three layers, so that the join, the name alignment and each
 * Jaro–Winkler similarity are computed once per pair. `tfTables`: the columns whose term frequency dd_tf holds
 * (rid → tf_<column>), joined on the left record.
 */
export function gammasSelect(cfg: EntityConfig, pairs: string, columns: Set<string>, tfTables: string[] = []): string {
  const fields = Object.entries(cfg.fields);
  const [fn, ln] = cfg.swapNames ?? ['', ''];
  const swap = !!cfg.swapNames && fn in cfg.fields && ln in cfg.fields;
  const tfs = tfColumns(cfg).filter(([, c]) => tfTables.includes(c));
  const tfCols = [...new Set(tfs.map(([, c]) => c))];
  const a = (c: string) => ident(`a_${c}`);
  const b = (c: string) => ident(`b_${c}`);
  const lists = columns.has('phones') && cfg.fields.phone === 'phone';
  // A person's e-mail comes with its user and domain parts split (records.ts); other e-mail fields are split here.
  const split = columns.has('email_user') && columns.has('email_domain') && cfg.fields.email === 'email';
  // … and is asked whether its user part is just the left record's name ("fedor.zakharov", "f.zakharov85"): only by
  // the pairs that reach the same-user and typo levels, so it is worked out for them, not for every record.
  const named = split;
  const own = (c: string) => (c in cfg.fields ? a(c) : columns.has(c) ? ident(`a_own_${c}`) : 'CAST(NULL AS VARCHAR)');
  const nameIn = (c: string) => `coalesce(strpos(regexp_replace(a_email_u, '[^a-z]', '', 'g'), left(replace(${own(c)}, ' ', ''), 4)) > 0 AND length(${own(c)}) >= 4, FALSE)`;
  // 1. the join: both records' columns side by side, and whether the names are swapped
  const raw = [...new Set([...fields.map(([f]) => f), ...tfs.map(([, c]) => c)])];
  const joined = [
    'p.l', 'p.r',
    ...raw.flatMap((c) => [`a.${ident(c)} AS ${a(c)}`, `b.${ident(c)} AS ${b(c)}`]),
    ...tfCols.map((c) => `t.${ident(`tf_${c}`)} AS ${a(`tf_${c}`)}`),
    ...(lists ? ['a.phones AS a_phones', 'b.phones AS b_phones'] : []),
    ...(named ? ['first', 'last'].filter((c) => !(c in cfg.fields) && columns.has(c)).map((c) => `a.${ident(c)} AS ${ident(`a_own_${c}`)}`) : []),
    // (email_user is NULL for an empty user part, which split_part gives as '')
    ...(split ? ["coalesce(a.email_user, '') AS a_email_u", "coalesce(b.email_user, '') AS b_email_u", 'a.email_domain AS a_email_d', 'b.email_domain AS b_email_d'] : []),
    swap ? `((a.${ident(fn)} = b.${ident(ln)} OR a.${ident(ln)} = b.${ident(fn)}) AND a.${ident(fn)} IS DISTINCT FROM b.${ident(fn)} AND a.${ident(ln)} IS DISTINCT FROM b.${ident(ln)}) AS swapped` : 'FALSE AS swapped',
  ];
  // 2. names aligned, similarities computed
  const right = (f: string) => (swap && f === fn ? `CASE WHEN swapped THEN ${b(ln)} ELSE ${b(fn)} END` : swap && f === ln ? `CASE WHEN swapped THEN ${b(fn)} ELSE ${b(ln)} END` : b(f));
  const aligned = ['*', ...(swap ? [`${right(fn)} AS ${ident(`r_${fn}`)}`, `${right(ln)} AS ${ident(`r_${ln}`)}`] : [])];
  const r = (f: string) => (swap && (f === fn || f === ln) ? ident(`r_${f}`) : b(f));
  const jws = fields.filter(([, k]) => BY_JW.has(k)).map(([f]) => `CASE WHEN ${a(f)} = ${r(f)} THEN 1.0 ELSE jaro_winkler_similarity(${a(f)}, ${r(f)}) END AS ${ident(`jw_${f}`)}`);
  const parts = (f: string) => ['u_a', 'u_b', 'd_a', 'd_b'].map((p) => ident(`${p}_${f}`));
  const emailParts = fields.filter(([, k]) => k === 'email').flatMap(([f]) => {
    const [ua, ub, da, db] = parts(f);
    if (f === 'email' && split) return [`${ident('a_email_u')} AS ${ua}`, `${ident('b_email_u')} AS ${ub}`, `${ident('a_email_d')} AS ${da}`, `${ident('b_email_d')} AS ${db}`];
    return [`split_part(${a(f)}, '@', 1) AS ${ua}`, `split_part(${r(f)}, '@', 1) AS ${ub}`, `split_part(${a(f)}, '@', 2) AS ${da}`, `split_part(${r(f)}, '@', 2) AS ${db}`];
  });
  const computed = [...jws, ...emailParts];
  // 3. levels
  const cols = fields.map(([f, kind]) =>
    `CAST(${gammaSql(kind, a(f), r(f), BY_JW.has(kind) ? ident(`jw_${f}`) : undefined, lists && f === 'phone' ? ['a_phones', 'b_phones'] : undefined, named && f === 'email' ? `(${nameIn('first')} OR ${nameIn('last')})` : undefined, kind === 'email' ? parts(f) : undefined)} AS TINYINT) AS ${ident(`g_${f}`)}`);
  const tf = tfs.map(([f, c]) => `CASE WHEN ${a(c)} = ${c === f ? r(f) : b(c)} THEN ${a(`tf_${c}`)} END AS ${ident(`tfv_${f}`)}`);
  const tfJoins = tfCols.length ? ' JOIN dd_tf t ON t.rid = p.l' : '';
  const l1 = `SELECT ${joined.join(', ')} FROM ${pairs} p JOIN dd_rec a ON a.rid = p.l JOIN dd_rec b ON b.rid = p.r${tfJoins}`;
  const l2 = `SELECT ${aligned.join(', ')} FROM (${l1})`;
  const l3 = computed.length ? `SELECT *, ${computed.join(', ')} FROM (${l2})` : l2;
  return `SELECT l, r, ${[...cols, ...tf].join(', ')} FROM (${l3})`;
}

/** [field, column whose frequency weighs it]: tf fields by their own value, e-mails' "same user" level by the user name. */
export function tfColumns(cfg: EntityConfig): [string, string][] {
  const out: [string, string][] = cfg.tf.filter((f) => f in cfg.fields).map((f) => [f, f]);
  if (cfg.fields.email === 'email' && cfg.tf.includes('email_user')) out.push(['email', 'email_user']);
  return out;
}
