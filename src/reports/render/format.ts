// Display formatting of report cells by column type, for the terminal, markdown and HTML.
import type { Lang } from './i18n.js';

export function formatCell(v: unknown, type: string, lang: Lang): string {
  if (v === null || v === undefined) return '';
  const locale = lang === 'ru' ? 'ru-RU' : 'en-US';
  const n = typeof v === 'number' ? v : Number(v);
  switch (type) {
    case 'money':
      return Number.isFinite(n) ? n.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : String(v);
    case 'percent':
      return Number.isFinite(n) ? `${(n * 100).toLocaleString(locale, { maximumFractionDigits: 1 })}%` : String(v);
    case 'number':
    case 'days':
      return Number.isFinite(n) ? n.toLocaleString(locale, { maximumFractionDigits: 2 }) : String(v);
    case 'int':
      return Number.isFinite(n) ? n.toLocaleString(locale) : String(v);
    default:
      return String(v);
  }
}

export const NUMERIC = new Set(['int', 'money', 'number', 'percent', 'days']);
