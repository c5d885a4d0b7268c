// Display formatting of report cells by column type, for the terminal, markdown, HTML and mail.
import type { Row } from '../../db/database.js';
import { valueLabel, WORDS, type Lang } from './i18n.js';
import { localeNumber } from './locale-number.js';

export function formatCell(v: unknown, type: string, lang: Lang): string {
  if (v === null || v === undefined) return '';
  const locale = lang === 'ru' ? 'ru-RU' : 'en-US';
  const n = typeof v === 'number' ? v : Number(v);
  switch (type) {
    case 'money':
      return Number.isFinite(n) ? localeNumber(n, locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : String(v);
    case 'percent':
      return Number.isFinite(n) ? `${localeNumber(n * 100, locale, { maximumFractionDigits: 1 })}%` : String(v);
    case 'number':
    case 'days':
      return Number.isFinite(n) ? localeNumber(n, locale, { maximumFractionDigits: 2 }) : String(v);
    case 'int':
      return Number.isFinite(n) ? localeNumber(n, locale) : String(v);
    case 'year':
      // A year is a label, not a quantity: 2026, never 2,026 or 2 026.
      return Number.isFinite(n) ? String(Math.trunc(n)) : String(v);
    case 'text':
      return valueLabel(String(v), lang);
    default:
      return String(v);
  }
}

/** A cell as shown: "no data" where the column's input has none for the period (never 0 or blank). */
export function showCell(r: { noData: string[] }, row: Row, col: { name: string; type: string }, lang: Lang): string {
  if (r.noData.includes(col.name)) return WORDS[lang].noData;
  return formatCell(row[col.name], col.type, lang);
}

/** The cells of a Total row: the label in the first column, keys (currency, model) as they are, sums formatted, the rest blank. */
export function showTotalCell(r: { noData: string[]; columns: { name: string }[] }, total: Row, col: { name: string; type: string }, lang: Lang): string {
  if (col.name === r.columns[0].name) return total[col.name] === null || total[col.name] === undefined ? WORDS[lang].total : `${WORDS[lang].total}: ${formatCell(total[col.name], col.type, lang)}`;
  if (r.noData.includes(col.name)) return WORDS[lang].noData;
  return formatCell(total[col.name], col.type, lang);
}

export const NUMERIC = new Set(['int', 'money', 'number', 'percent', 'days', 'year']);
