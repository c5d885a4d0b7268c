// Decides each date and number column's format from all of its values, in one aggregate query.
import type { Db } from '../db/database.js';
import { ident } from '../db/sql.js';
import type { DateProfile, NumberProfile } from './transforms.js';

const count = (cond: string) => `count(*) FILTER (WHERE ${cond})`;

// Per-row flags are computed once in a subquery, then aggregated: one cheap scan for all columns.
// Sentinels ("не закрыта", "-") match none of these patterns, so the raw cell is enough here.
function dateFlags(c: string, k: string): string[] {
  const v = ident(c);
  return [
    `regexp_matches(${v}, '^\\s*\\d{4}-\\d{1,2}-\\d{1,2}') AS ${k}_iso`,
    `regexp_matches(${v}, '^\\s*\\d{1,2}\\.\\d{1,2}\\.\\d{2,4}(\\s|$)') AS ${k}_dot`,
    `regexp_matches(${v}, '^\\s*\\d{1,2}/\\d{1,2}/\\d{2,4}(\\s|$)') AS ${k}_slash`,
    `regexp_matches(${v}, '^\\s*\\d{5}(\\.\\d+)?\\s*$') AS ${k}_serial`,
    `regexp_matches(${v}, '^\\s*(\\d{9,10}|\\d{13})\\s*$') AS ${k}_unix`,
    // ISO 8601 basic (YYYYMMDD), as registries and FEBRL-style person files write dates of birth
    `regexp_matches(${v}, '^\\s*\\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\\d|3[01])\\s*$') AS ${k}_compact`,
    `try_cast(regexp_extract(${v}, '^\\s*(\\d{1,2})[./]', 1) AS INTEGER) AS ${k}_p1`,
    `try_cast(regexp_extract(${v}, '^\\s*\\d{1,2}[./](\\d{1,2})[./]', 1) AS INTEGER) AS ${k}_p2`,
  ];
}

function dateAggregates(k: string): string[] {
  return [
    count(`${k}_iso`), count(`${k}_dot`), `max(${k}_p1) FILTER (WHERE ${k}_dot)`, `max(${k}_p2) FILTER (WHERE ${k}_dot)`,
    count(`${k}_slash`), `max(${k}_p1) FILTER (WHERE ${k}_slash)`, `max(${k}_p2) FILTER (WHERE ${k}_slash)`, count(`${k}_serial`), count(`${k}_unix`), count(`${k}_compact`),
  ];
}

function numberFlags(c: string, k: string): string[] {
  const v = `trim(${ident(c)})`;
  return [
    // decimal comma: "12,5", "1 234,56", "1.234,56"
    `(regexp_matches(${v}, '\\d,\\d{1,2}$') OR regexp_matches(${v}, '\\.\\d{3},\\d+$') OR regexp_matches(${v}, '\\d,\\d{4,}$')) AS ${k}_comma`,
    // decimal point: "12.5", "1,234.56"
    `(regexp_matches(${v}, '\\d\\.\\d{1,2}$') OR regexp_matches(${v}, ',\\d{3}\\.\\d+$') OR regexp_matches(${v}, '\\d\\.\\d{4,}$')) AS ${k}_point`,
  ];
}

function order(first: number | null, second: number | null, fallback: 'dmy' | 'mdy'): 'dmy' | 'mdy' {
  if ((first ?? 0) > 12) return 'dmy';
  if ((second ?? 0) > 12) return 'mdy';
  return fallback;
}

export interface ColumnProfiles {
  dates: Record<string, DateProfile>;
  numbers: Record<string, NumberProfile>;
  /** Human-readable decisions, e.g. { "Дата создания": "DD.MM.YYYY" }. */
  notes: Record<string, string>;
}

export async function profileColumns(
  db: Db,
  table: string,
  dateCols: string[],
  numberCols: string[],
  labels: Record<string, string>,
  slashDefault: 'dmy' | 'mdy' = 'mdy',
): Promise<ColumnProfiles> {
  const out: ColumnProfiles = { dates: {}, numbers: {}, notes: {} };
  const flags = [...dateCols.flatMap((c, i) => dateFlags(c, `d${i}`)), ...numberCols.flatMap((c, i) => numberFlags(c, `n${i}`))];
  const exprs = [...dateCols.flatMap((_, i) => dateAggregates(`d${i}`)), ...numberCols.flatMap((_, i) => [count(`n${i}_comma`), count(`n${i}_point`)])];
  if (exprs.length === 0) return out;
  const [row] = await db.all<Record<string, number | null>>(`SELECT ${exprs.map((e, i) => `${e} AS a${i}`).join(', ')} FROM (SELECT ${flags.join(', ')} FROM ${ident(table)})`);
  const a = (i: number) => (row[`a${i}`] as number | null) ?? 0;
  let i = 0;
  for (const c of dateCols) {
    const [iso, dot, d1, d2, slash, s1, s2, serial, unix, compact] = [a(i), a(i + 1), a(i + 2), a(i + 3), a(i + 4), a(i + 5), a(i + 6), a(i + 7), a(i + 8), a(i + 9)];
    i += 10;
    const p: DateProfile = {
      iso: iso > 0,
      dot: dot > 0 ? order(d1, d2, 'dmy') : null,
      slash: slash > 0 ? order(s1, s2, slashDefault) : null,
      serial: serial > 0,
      unix: unix > 0,
      compact: compact > 0,
    };
    out.dates[c] = p;
    const seen = [
      p.iso && 'ISO',
      p.dot && (p.dot === 'dmy' ? 'DD.MM.YYYY' : 'MM.DD.YYYY'),
      p.slash && (p.slash === 'dmy' ? 'DD/MM/YYYY' : 'MM/DD/YYYY') + (s1 > 12 || s2 > 12 ? '' : ' (day ≤ 12 throughout: assumed)'),
      p.serial && 'Excel serial',
      p.unix && 'unix time',
      p.compact && 'YYYYMMDD',
    ].filter(Boolean);
    if (seen.length) out.notes[labels[c] ?? c] = seen.join(' + ');
  }
  for (const c of numberCols) {
    const [comma, point] = [a(i), a(i + 1)];
    i += 2;
    out.numbers[c] = { decimal: comma > point ? ',' : '.' };
    if (comma > 0 || point > 0) out.notes[labels[c] ?? c] = comma > point ? 'decimal comma' : 'decimal point';
  }
  return out;
}
