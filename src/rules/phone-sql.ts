// Phones to E.164 in SQL, for the shapes where crmq can follow libphonenumber-js step by step: digits with spaces,
// dashes, dots and brackets, either international (+CC …) or national in the source's region (8 916 …, 7 916 …,
// 030 …). The country patterns come from libphonenumber-js's own metadata, so SQL and the library agree on what is
// valid; a phone whose parse would take a branch not modelled here (a national prefix with a carrier code, an
// international dialling prefix, a shared calling code matching no country, letters, extensions) gets NULL and is
// left to the library. The SQL path only ever answers "valid, and this is its E.164"; invalid phones go to the library.
// test/rules/phone-sql.test.ts compares both paths over thousands of formats and every country's example numbers.
import { Metadata } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/metadata.max.json';
import { lit } from '../db/sql.js';

/** The numbering-plan accessors of libphonenumber-js's Metadata that this file reads (untyped in its .d.ts). */
interface Plan {
  callingCode(): string;
  nationalNumberPattern(): string;
  possibleLengths(): number[] | undefined;
  leadingDigits(): string | undefined;
  IDDPrefix(): string | undefined;
  nationalPrefixForParsing(): string | undefined;
  hasTypes(): boolean;
  type(t: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

/** The types getNumberType tries: FIXED_LINE, then these. Any match makes a number valid. */
const TYPES = ['FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];

const meta = new Metadata(metadata);
const CALLING_CODES = metadata.country_calling_codes as Record<string, string[]>;

function plan(countryOrCode: string): Plan {
  meta.selectNumberingPlan(countryOrCode as Parameters<Metadata['selectNumberingPlan']>[0]);
  return meta.numberingPlan as unknown as Plan;
}

/** Raw text the SQL path may read: optional '(' and '+', then digits and the punctuation people type between them. */
export const SIMPLE_PHONE = '[\\s(]*\\+?[0-9][0-9\\s().\\-]*';
/** Every character but the digits SIMPLE_PHONE lets through (RE2's \s is [\t\n\f\r ]), for translate() to drop. */
export const PHONE_PUNCTUATION = '+()-. \t\n\f\r';

const full = (x: string, re: string) => `regexp_full_match(${x}, ${lit(re)})`;
/** `x` begins with a match of `re` (a plain digit string, the usual case, without a regular expression). */
const startsWith = (x: string, re: string) => (/^\d+$/.test(re) ? `starts_with(${x}, ${lit(re)})` : `regexp_matches(${x}, ${lit(`^(?:${re})`)})`);

/**
 * getNumberType(...) !== undefined for one country: the general pattern, then any type (length first, as the library).
 * Written as CASE, which DuckDB evaluates only for the rows still undecided (AND and OR evaluate both sides).
 */
function validIn(country: string, x: string): string {
  const p = plan(country);
  const general = full(x, p.nationalNumberPattern());
  if (!p.hasTypes()) return general;
  // Mobile first: most phones in a CRM are; the order does not change the answer (any type will do).
  const types = ['MOBILE', ...TYPES.filter((t) => t !== 'MOBILE')].flatMap((t) => {
    const def = p.type(t);
    if (!def || !def.pattern()) return [];
    const lens = def.possibleLengths();
    return [`WHEN ${lens ? `length(${x}) IN (${lens.join(', ')}) AND ` : ''}${full(x, def.pattern())} THEN TRUE`];
  });
  return types.length ? `(CASE WHEN NOT ${general} THEN FALSE ${types.join(' ')} ELSE FALSE END)` : 'FALSE';
}

/**
 * TRUE when national number `x` under calling code `cc` is valid in the country the library would pick for it
 * (getCountryByNationalNumber: in metadata order, a country's leading digits decide, else its types); FALSE or
 * NULL otherwise (NULL: no country picked, the library then falls back on the main country: not modelled).
 */
function validUnder(cc: string, x: string): string {
  const countries = CALLING_CODES[cc];
  if (countries.length === 1) return validIn(countries[0], x);
  const whens = countries.map((c) => {
    const ld = plan(c).leadingDigits();
    return ld ? `WHEN ${startsWith(x, ld)} THEN ${validIn(c, x)}` : `WHEN ${validIn(c, x)} THEN TRUE`;
  });
  return `CASE ${whens.join(' ')} END`;
}

/** Calling codes of real countries (not the non-geographic +800, +882, …, which the library treats apart). */
export function geographic(cc: string): boolean {
  return Object.hasOwn(CALLING_CODES, cc) && !CALLING_CODES[cc].includes('001');
}

export function knownRegion(region: string): boolean {
  return /^[A-Z]{2}$/.test(region) && Object.hasOwn(metadata.countries, region);
}

/** The calling code a digit string starts with (codes are prefix-free), as SQL over column `d`. */
export function callingCodeSql(d: string): string {
  const byLength = [1, 2, 3].map((n) => Object.keys(CALLING_CODES).filter((c) => c.length === n));
  return `CASE ${byLength.map((codes, i) => `WHEN left(${d}, ${i + 1}) IN (${codes.map(lit).join(', ')}) THEN left(${d}, ${i + 1})`).join(' ')} END`;
}

/** After '+CC': the main country's national prefix would be tried on N, so such N are left to the library (NULL). */
function internationalNumber(cc: string, n: string): string {
  const prefix = plan(CALLING_CODES[cc][0]).nationalPrefixForParsing();
  return prefix ? `CASE WHEN ${startsWith(n, prefix)} THEN NULL ELSE ${n} END` : n;
}

/**
 * Digits typed without '+' in `region`: the national number the library would go on with, or NULL where its
 * parse takes a branch not modelled here. With the country code in front (79161234567) it is stripped when the
 * whole does not fit the general pattern and the rest does, or the whole is too long; a national prefix
 * (8 916…, 030…) is stripped when what is left still fits (extractNationalNumber).
 */
function nationalNumber(region: string, d: string): string {
  const p = plan(region);
  const cc = p.callingCode();
  const general = p.nationalNumberPattern();
  const maxLen = Math.max(...(p.possibleLengths() ?? [99]));
  const prefix = p.nationalPrefixForParsing();
  const mainPrefix = plan(CALLING_CODES[cc][0]).nationalPrefixForParsing();
  const idd = p.IDDPrefix();
  const nationally = (x: string): string => {
    if (!prefix) return x;
    // A prefix pattern with capture groups (carrier codes, transform rules) is not modelled.
    if (/\((?!\?:)/.test(prefix)) return `CASE WHEN ${startsWith(x, prefix)} THEN NULL ELSE ${x} END`;
    const m = /^\d+$/.test(prefix) ? `CASE WHEN starts_with(${x}, ${lit(prefix)}) THEN ${lit(prefix)} ELSE '' END` : `regexp_extract(${x}, ${lit(`^(?:${prefix})`)})`;
    const rest = `substr(${x}, length(${m}) + 1)`;
    return `CASE WHEN length(${m}) > 0 AND NOT (${full(x, general)} AND NOT ${full(rest, general)}) THEN ${rest} ELSE ${x} END`;
  };
  const shorter = `substr(${d}, ${cc.length + 1})`;
  const ambiguous = [prefix && startsWith(d, prefix), prefix && startsWith(shorter, prefix)].filter(Boolean).join(' OR ') || 'FALSE';
  const strip = `((NOT ${full(d, general)} AND ${full(shorter, general)}) OR length(${d}) > ${maxLen})`;
  return `CASE WHEN ${idd ? startsWith(d, idd) : 'FALSE'} THEN NULL
    WHEN starts_with(${d}, ${lit(cc)}) AND (${ambiguous}) THEN NULL
    WHEN starts_with(${d}, ${lit(cc)}) AND ${strip} THEN (${mainPrefix ? `CASE WHEN ${startsWith(shorter, mainPrefix)} THEN NULL ELSE ${shorter} END` : shorter})
    ELSE (${nationally(d)}) END`;
}

/**
 * Over a row with `intl` (typed with '+'), `cc` (the calling code after it), `n` (the digits after that), `d` (all
 * digits) and `region`: the calling code and national number the library would validate, NULL where it must decide.
 */
export function candidateSql(callingCodes: string[], regions: string[]): { cc: string; nat: string } {
  const known = regions.filter(knownRegion);
  const intl = callingCodes.filter(geographic).map((cc) => `WHEN ${lit(cc)} THEN ${internationalNumber(cc, 'n')}`);
  const nat = known.map((r) => `WHEN ${lit(r)} THEN (${nationalNumber(r, 'd')})`);
  const regionCode = known.map((r) => `WHEN ${lit(r)} THEN ${lit(plan(r).callingCode())}`);
  return {
    cc: `CASE WHEN intl THEN cc ELSE ${regionCode.length ? `CASE region ${regionCode.join(' ')} END` : 'NULL'} END`,
    nat: `CASE WHEN intl THEN ${intl.length ? `CASE cc ${intl.join(' ')} END` : 'NULL'} ELSE ${nat.length ? `CASE region ${nat.join(' ')} END` : 'NULL'} END`,
  };
}

/** TRUE when national number `nat` is valid under calling code `cc` as the library decides it, for the codes given. */
export function validSql(callingCodes: string[]): string {
  const whens = callingCodes.filter(geographic).map((cc) => `WHEN ${lit(cc)} THEN ${validUnder(cc, 'nat')}`);
  return whens.length ? `CASE cc ${whens.join(' ')} END` : 'FALSE';
}
