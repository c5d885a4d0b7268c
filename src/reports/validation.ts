// The result of one validation that runs with a report: a status, plain words in both languages, the figures.
import type { Db, Row } from '../db/database.js';
import type { ReportDef } from './report-def.js';

export type Status = 'valid' | 'warning' | 'invalid';
export const STATUS_RANK: Record<Status, number> = { valid: 0, warning: 1, invalid: 2 };

export interface ValidationResult {
  name: 'reconcile' | 'grain' | 'coverage' | 'window' | 'currency' | 'attribution';
  status: Status;
  message: { en: string; ru: string };
  figures: Record<string, number | string | null>;
}

export interface ValidationContext {
  db: Db;
  report: ReportDef;
  rows: Row[];
}

export const worst = (xs: Status[]): Status => xs.reduce<Status>((a, b) => (STATUS_RANK[b] > STATUS_RANK[a] ? b : a), 'valid');

export const fmt = (n: number | null | undefined): string =>
  n === null || n === undefined ? '—' : Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
