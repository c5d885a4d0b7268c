// The result of one validation that runs with a report: a status, plain words in both languages, the figures.
import type { Db, Row } from '../db/database.js';
import type { Period } from './context.js';
import type { ReportDef } from './report-def.js';
import { localeNumber } from './render/locale-number.js';

export type Status = 'valid' | 'warning' | 'invalid';
export const STATUS_RANK: Record<Status, number> = { valid: 0, warning: 1, invalid: 2 };

export const VALIDATIONS = ['reconcile', 'grain', 'coverage', 'duplicates', 'outliers', 'dominance', 'window', 'currency', 'inputs', 'findings'] as const;
export type ValidationName = (typeof VALIDATIONS)[number];

export interface ValidationResult {
  name: ValidationName;
  status: Status;
  /** The input the validation judged, when it judges one. */
  input?: string;
  message: { en: string; ru: string };
  figures: Record<string, number | string | null>;
}

export interface ValidationContext {
  db: Db;
  report: ReportDef;
  rows: Row[];
  period: Period;
  params: Record<string, unknown>;
}

/** The checks that are not valid, the worst first (invalid, then warning), in the order they ran: why a report has its status. */
export function failingFirst<T extends { status: Status }>(validations: T[]): T[] {
  return validations.map((v, i) => ({ v, i })).filter((x) => x.v.status !== 'valid')
    .sort((a, b) => STATUS_RANK[b.v.status] - STATUS_RANK[a.v.status] || a.i - b.i).map((x) => x.v);
}

export const worst = (xs: Status[]): Status => xs.reduce<Status>((a, b) => (STATUS_RANK[b] > STATUS_RANK[a] ? b : a), 'valid');

export const fmt = (n: number | null | undefined): string =>
  n === null || n === undefined ? '—' : Number.isInteger(n) ? localeNumber(n, 'en-US') : localeNumber(n, 'en-US', { maximumFractionDigits: 2 });

/** Russian digit grouping for messages (1 234 567,89). */
export const fmtRu = (n: number | null | undefined): string =>
  n === null || n === undefined ? '—' : localeNumber(n, 'ru-RU', { maximumFractionDigits: 2 });

export const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
export const pctRu = (x: number): string => `${(100 * x).toFixed(1).replace('.', ',')}%`;

/** Amounts per currency as "RUB 1,234.5, EUR 10" (en) or "1 234,5 RUB, 10 EUR" (ru). */
export const money = (byCurrency: { currency: string | null; amount: number }[], lang: 'en' | 'ru'): string =>
  byCurrency.map((m) => (lang === 'en' ? `${m.currency ?? '(no currency)'} ${fmt(m.amount)}` : `${fmtRu(m.amount)} ${m.currency ?? '(без валюты)'}`)).join(', ');
