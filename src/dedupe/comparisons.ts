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

function gammaSql(kind: Comparison, l: string, r: string, lists?: [string, string], namedUser?: string): string {
  const jw = `jaro_winkler_similarity(${l}, ${r})`;
  const nul = `WHEN ${l} IS NULL OR ${r} IS NULL THEN -1`;
  switch (kind) {
    case 'name':
      return `CASE ${nul} WHEN ${l} = ${r} THEN 4 WHEN ${jw} >= 0.94 THEN 3 WHEN ${jw} >= 0.88 THEN 2 WHEN ${jw} >= 0.7 THEN 1 ELSE 0 END`;
    case 'text':
      return `CASE ${nul} WHEN ${l} = ${r} THEN 3 WHEN ${jw} >= 0.9 THEN 2 WHEN ${jw} >= 0.75 THEN 1 ELSE 0 END`;
    case 'exact':
      return `CASE ${nul} WHEN ${l} = ${r} THEN 2 WHEN damerau_levenshtein(${l}, ${r}) <= 1 THEN 1 ELSE 0 END`;
    case 'date':
      return `CASE ${nul} WHEN ${l} = ${r} THEN 3 WHEN damerau_levenshtein(${l}, ${r}) <= 1 THEN 2
        WHEN length(${l}) = 8 AND length(${r}) = 8 AND (substr(${l}, 1, 4) = substr(${r}, 1, 4) OR substr(${l}, 5, 4) = substr(${r}, 5, 4)) THEN 1 ELSE 0 END`;
    case 'email': {
      // A typo inside one mailbox is strong. The same user name at another domain is weak evidence, weighted by how
      // common the user name is, and none at all when it is just the person's name: namesakes pick the same
      // "fedor.zakharov" at list.ru and inbox.ru, so it says nothing the names have not said.
      const [lu, ru, ld, rd] = [`split_part(${l}, '@', 1)`, `split_part(${r}, '@', 1)`, `split_part(${l}, '@', 2)`, `split_part(${r}, '@', 2)`];
      // A typo is in the letters: fedor.zakharov85 and fedor.zakharov86 are two people born a year apart, and
      // sergeypavlov@ and sergey.pavlov@ two mailboxes; near-misses of a user name that is the person's name are no evidence either.
      const digits = (x: string) => `regexp_replace(${x}, '[^0-9]', '', 'g')`;
      const letters = (x: string) => `regexp_replace(${x}, '[^a-z]', '', 'g')`;
      const typo = `${ld} = ${rd} AND length(${lu}) >= 5 AND damerau_levenshtein(${lu}, ${ru}) <= 1 AND ${digits(lu)} = ${digits(ru)} AND ${letters(lu)} <> ${letters(ru)}`;
      return `CASE ${nul} WHEN ${l} = ${r} THEN 3 ${namedUser ? `WHEN ${namedUser} AND (${lu} = ${ru} OR ${typo}) THEN -1 ` : ''}WHEN ${typo} THEN 2
        WHEN ${lu} = ${ru} THEN 1 ELSE 0 END`;
    }
    case 'org': {
      // Organisation names: also "mason" vs "legacy charter school at mason school": most words of the shorter name
      // are in the longer one (overlap coefficient ≥ 0.8).
      const overlap = `len(list_intersect(string_split(${l}, ' '), string_split(${r}, ' '))) / least(len(string_split(${l}, ' ')), len(string_split(${r}, ' ')))`;
      return `CASE ${nul} WHEN ${l} = ${r} THEN 3 WHEN ${jw} >= 0.9 OR ${overlap} >= 0.8 THEN 2 WHEN ${jw} >= 0.75 THEN 1 ELSE 0 END`;
    }
    case 'phone': {
      // Any number in common is the same phone; an organisation's numbers often share all but the last two digits.
      const any = lists ? ` OR list_has_any(${lists[0]}, ${lists[1]})` : '';
      return `CASE ${nul} WHEN ${l} = ${r}${any} THEN 3 WHEN damerau_levenshtein(${l}, ${r}) <= 1 THEN 2
        WHEN length(${l}) >= 7 AND length(${l}) = length(${r}) AND left(${l}, length(${l}) - 2) = left(${r}, length(${r}) - 2) THEN 1 ELSE 0 END`;
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
 * crosswise, neither in place) compare as names.
 */
export function gammasSelect(cfg: EntityConfig, pairs: string, columns: Set<string>): string {
  const [fn, ln] = cfg.swapNames ?? ['', ''];
  const swap = !!cfg.swapNames && fn in cfg.fields && ln in cfg.fields;
  const [af, al, bf, bl] = [`a.${ident(fn)}`, `a.${ident(ln)}`, `b.${ident(fn)}`, `b.${ident(ln)}`];
  const swapped = `((${af} = ${bl} OR ${al} = ${bf}) AND ${af} IS DISTINCT FROM ${bf} AND ${al} IS DISTINCT FROM ${bl})`;
  const right = (f: string) => {
    if (swap && f === fn) return `CASE WHEN ${swapped} THEN ${bl} ELSE ${bf} END`;
    if (swap && f === ln) return `CASE WHEN ${swapped} THEN ${bf} ELSE ${bl} END`;
    return `b.${ident(f)}`;
  };
  const cols = Object.entries(cfg.fields).map(([f, kind]) =>
    `${gammaSql(kind, `a.${ident(f)}`, right(f), kind === 'phone' && f === 'phone' && columns.has('phones') ? ['a.phones', 'b.phones'] : undefined,
      kind === 'email' && f === 'email' && columns.has('email_user_named') ? 'a.email_user_named' : undefined)} AS ${ident(`g_${f}`)}`);
  const tf = tfColumns(cfg).map(([f, col]) => `CASE WHEN a.${ident(col)} = ${col === f ? right(f) : `b.${ident(col)}`} THEN a.${ident(`tf_${col}`)} END AS ${ident(`tfv_${f}`)}`);
  return `SELECT p.l, p.r, ${[...cols, ...tf].join(', ')} FROM ${pairs} p JOIN dd_rec a ON a.rid = p.l JOIN dd_rec b ON b.rid = p.r`;
}

/** [field, column whose frequency weighs it]: tf fields by their own value, e-mails' "same user" level by the user name. */
export function tfColumns(cfg: EntityConfig): [string, string][] {
  const out: [string, string][] = cfg.tf.filter((f) => f in cfg.fields).map((f) => [f, f]);
  if (cfg.fields.email === 'email' && cfg.tf.includes('email_user')) out.push(['email', 'email_user']);
  return out;
}
