// SQL expressions that turn raw text cells into canonical values. Formats that are ambiguous row by row
// (day/month order, decimal comma) are decided once per column from all of its values (see profile.ts).
import { ident, lit } from '../db/sql.js';
import type { FieldType } from '../model/tables.js';

/** Cell values that mean "no value" in CRM exports. */
export const NULL_SENTINELS = ['', '-', '—', '–', 'n/a', 'na', 'null', 'none', 'нет данных', 'не закрыта', 'не указано', 'не указан', '0000-00-00', '00.00.0000'];

export interface DateProfile {
  iso: boolean;
  dot: 'dmy' | 'mdy' | null;
  slash: 'dmy' | 'mdy' | null;
  serial: boolean;
  unix: boolean;
  /** YYYYMMDD (ISO 8601 basic). */
  compact?: boolean;
}

export interface NumberProfile {
  decimal: ',' | '.';
}

const sentinelList = `(${NULL_SENTINELS.map(lit).join(', ')})`;

export const cleaned = (col: string): string => `CASE WHEN lower(trim(${ident(col)})) IN ${sentinelList} THEN NULL ELSE trim(${ident(col)}) END`;

const DMY = (sep: string) => [`%d${sep}%m${sep}%Y %H:%M:%S`, `%d${sep}%m${sep}%Y %H:%M`, `%d${sep}%m${sep}%Y`, `%d${sep}%m${sep}%y`];
const MDY = (sep: string) => [`%m${sep}%d${sep}%Y %I:%M:%S %p`, `%m${sep}%d${sep}%Y %I:%M %p`, `%m${sep}%d${sep}%Y %H:%M:%S`, `%m${sep}%d${sep}%Y %H:%M`, `%m${sep}%d${sep}%Y`, `%m${sep}%d${sep}%y`];

export function dateExpr(v: string, p: DateProfile): string {
  const parts: string[] = [];
  if (p.iso) parts.push(`(try_cast(${v} AS TIMESTAMPTZ) AT TIME ZONE 'UTC')`);
  if (p.dot) parts.push(`try_strptime(${v}, [${(p.dot === 'dmy' ? DMY('.') : MDY('.')).map(lit).join(', ')}])`);
  if (p.slash) parts.push(`try_strptime(${v}, [${(p.slash === 'dmy' ? DMY('/') : MDY('/')).map(lit).join(', ')}])`);
  if (p.serial) {
    parts.push(
      `CASE WHEN regexp_full_match(${v}, '\\d{5}(\\.\\d+)?') AND try_cast(${v} AS DOUBLE) BETWEEN 20000 AND 80000 ` +
        `THEN TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(try_cast(${v} AS DOUBLE) * 86400000000) AS BIGINT)) END`,
    );
  }
  if (p.unix) {
    parts.push(
      `CASE WHEN regexp_full_match(${v}, '\\d{13}') THEN make_timestamp(CAST(${v} AS BIGINT) * 1000) ` +
        `WHEN regexp_full_match(${v}, '\\d{9,10}') THEN make_timestamp(CAST(${v} AS BIGINT) * 1000000) END`,
    );
  }
  if (p.compact) parts.push(`CASE WHEN regexp_full_match(${v}, '\\d{8}') THEN try_strptime(${v}, '%Y%m%d') END`);
  if (parts.length === 0) return 'CAST(NULL AS TIMESTAMP)';
  return parts.length === 1 ? parts[0] : `coalesce(${parts.join(', ')})`;
}

/** `body` with `name` bound to `value`, computed once per row (DuckDB has no LET: a one-element list and a lambda). */
const let_ = (value: string, name: string, body: string): string => `list_transform([${value}], ${name} -> ${body})[1]`;

/** Currency written before or after an amount: a symbol, an ISO code, or a word (lower case: matched on lower(v)). */
const CURRENCY_TOKEN = "([$€£¥₽₸₴₹]|[a-z]{3}|руб(лей|ля|ль)?\\.?|р\\.?|тенге|грн\\.?|евро|долл\\.?)";
/** Thousands separators: spaces (also no-break and thin), apostrophes (Swiss), and the other decimal mark. */
const GROUP = { '.': "[ ,'’\\x{00A0}\\x{202F}\\x{2009}]", ',': "[ .'’\\x{00A0}\\x{202F}\\x{2009}]" } as const;

/** The number with the column's decimal mark as plain text ("-1234.5e3"), or NULL when it is not a well-formed number. */
export function numberText(v: string, p: NumberProfile): string {
  const g = GROUP[p.decimal];
  const d = p.decimal === '.' ? '\\.' : ',';
  // Sign, currency before or after, a trailing %: "-$1,200.50", "1 234,56 руб.", "12,5%".
  const bare =
    `trim(regexp_replace(regexp_replace(regexp_replace(replace(lower(${v}), '−', '-'), ` +
    `'^([+-]?)\\s*${CURRENCY_TOKEN}\\s*', '\\1'), '\\s*${CURRENCY_TOKEN}$', ''), '\\s*%$', ''))`;
  // Groups of exactly three digits; a decimal part; an exponent. Anything else ("1,5" with a decimal point,
  // "1e309x", "(100)") is not a number here: the raw text is kept, never read as another number.
  const shape = `^[+-]?\\s*((\\d{1,3}(${g}\\d{3})+|\\d+)(${d}\\d*)?|${d}\\d+)(e[+-]?\\d+)?$`;
  const digits = `replace(regexp_replace(regexp_replace(__b, ${lit(g)}, '', 'g'), '\\s', '', 'g'), ${lit(p.decimal)}, '.')`;
  return let_(bare, '__b', `CASE WHEN regexp_full_match(__b, ${lit(shape)}) THEN ${digits} END`);
}

/** A finite number, or NULL: "1e309" is not a number a column can hold, so it stays raw. */
export function numberExpr(v: string, p: NumberProfile): string {
  return let_(`try_cast(${numberText(v, p)} AS DOUBLE)`, '__x', 'CASE WHEN NOT isinf(__x) THEN __x END');
}

/** "00:05:30" or "5:30" (talk time) → seconds; otherwise a whole number ("12.5" is not one, and stays raw). */
export function intExpr(v: string, p: NumberProfile): string {
  return (
    `CASE WHEN regexp_full_match(${v}, '\\d{1,3}:\\d{2}:\\d{2}') THEN ` +
    `CAST(split_part(${v}, ':', 1) AS BIGINT) * 3600 + CAST(split_part(${v}, ':', 2) AS BIGINT) * 60 + CAST(split_part(${v}, ':', 3) AS BIGINT) ` +
    `WHEN regexp_full_match(${v}, '\\d{1,3}:\\d{2}') THEN CAST(split_part(${v}, ':', 1) AS BIGINT) * 60 + CAST(split_part(${v}, ':', 2) AS BIGINT) ` +
    `ELSE ${let_(numberExpr(v, p), '__i', 'CASE WHEN __i = floor(__i) AND abs(__i) < 9e18 THEN CAST(__i AS BIGINT) END')} END`
  );
}

export function boolExpr(v: string): string {
  return (
    `CASE WHEN lower(${v}) IN ('1', 'true', 'yes', 'y', 'да', 'д', 'истина', 'won', 'done', 'выполнено') THEN TRUE ` +
    `WHEN lower(${v}) IN ('0', 'false', 'no', 'n', 'нет', 'н', 'ложь') THEN FALSE END`
  );
}

/** Currency names, symbols and codes as CRMs write them → ISO 4217. */
const CURRENCY_PATTERNS: [string, string][] = [
  ['RUB', '(^|[^a-zа-я])(rub|rur|руб|рубл|российский рубль|р\\.?$)|₽'],
  ['BYN', 'byn|белорусск'],
  ['USD', 'usd|\\$|доллар|dollar'],
  ['EUR', 'eur|€|евро'],
  ['KZT', 'kzt|₸|тенге'],
  ['UAH', 'uah|₴|гривн'],
  ['GBP', 'gbp|£|фунт|pound'],
  ['CNY', 'cny|¥|юан|yuan'],
];

export function currencyExpr(v: string): string {
  const cases = CURRENCY_PATTERNS.map(([code, re]) => `WHEN regexp_matches(lower(${v}), ${lit(re)}) THEN ${lit(code)}`);
  // Belarusian rouble must win over the generic rouble pattern.
  const [rub, byn, ...rest] = cases;
  return `CASE ${byn} ${rub} ${rest.join(' ')} WHEN regexp_full_match(${v}, '[A-Za-z]{3}') THEN upper(${v}) END`;
}

/** Currency found inside an amount cell ("1 500 ₽", "$1,200", "100 руб."), if any. */
export function currencyInAmountExpr(v: string): string {
  const cases = CURRENCY_PATTERNS.map(([code, re]) => `WHEN regexp_matches(lower(${v}), ${lit(re)}) THEN ${lit(code)}`);
  const [rub, byn, ...rest] = cases;
  return `CASE WHEN regexp_matches(${v}, '[^0-9 .,\\-]') THEN CASE ${byn} ${rub} ${rest.join(' ')} END END`;
}

/** An extension after a comma ("8 (800) 555-35-35, доб. 123", ", ext. 5", ", x123") belongs to the number before it. */
const EXTENSION = ',\\s*((доб|добавочный|вн|внутр|ext|extension|x)\\.?\\s*\\d)';

/**
 * Undoes the ' that crmq's CSV writers (and Excel users) put before a leading = + - @ so a spreadsheet does not
 * run it: a merge plan exported with "'+7 912 …" imports back as "+7 912 …".
 */
export const unescapedFormula = (v: string): string => `CASE WHEN starts_with(${v}, '''') THEN regexp_replace(${v}, '^''([=+@\\-])', '\\1') ELSE ${v} END`;

export function listExpr(cols: string[], kind: 'phones' | 'emails' | 'other'): string {
  const sep = kind === 'emails' ? '[;,\\s]+' : '[;,\\n]+';
  const cell = (c: string) => (kind === 'phones' ? `regexp_replace(${ident(c)}, ${lit(EXTENSION)}, ' \\1', 'gi')` : ident(c));
  const parts = cols.map((c) => `string_split_regex(${cell(c)}, ${lit(sep)})`);
  const all = parts.length === 1 ? parts[0] : `flatten([${parts.map((x) => `coalesce(${x}, [])`).join(', ')}])`;
  return `list_filter(list_transform(${all}, x -> ${unescapedFormula('trim(x)')}), x -> x <> '')`;
}

export function valueExpr(type: FieldType, v: string, profiles: { date?: DateProfile; number?: NumberProfile }): string {
  switch (type) {
    case 'timestamp':
      return dateExpr(v, profiles.date!);
    case 'date':
      return `CAST(${dateExpr(v, profiles.date!)} AS DATE)`;
    case 'decimal':
      return `try_cast(${numberText(v, profiles.number!)} AS DECIMAL(18,2))`;
    case 'int':
      return intExpr(v, profiles.number!);
    case 'bool':
      return boolExpr(v);
    case 'currency':
      return currencyExpr(v);
    default:
      return v;
  }
}
