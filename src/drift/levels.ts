// Graded thresholds for drift rules: a figure that reaches a level's threshold gives a finding of that severity
// (the highest level reached wins). A threshold is absolute (a number, in the figure's unit: rows, percentage
// points, an amount, days) or relative ("30%", of the figure it is compared with).
import { z } from 'zod';
import { lit } from '../db/sql.js';
import type { Severity } from '../rules/rule.js';

export const Threshold = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\s*\d+(\.\d+)?\s*%\s*$/, 'a number (absolute) or a percentage such as "30%" (relative)'),
]);
export type Threshold = z.infer<typeof Threshold>;

export const Levels = z.object({ info: Threshold.optional(), warn: Threshold.optional(), error: Threshold.optional() }).strict();
export type Levels = z.infer<typeof Levels>;

/** A severity, or off to leave that kind of change out. */
export const SeverityOrOff = z.enum(['info', 'warn', 'error', 'off']);
export type SeverityOrOff = z.infer<typeof SeverityOrOff>;

/** SQL: true when `change` (≥ 0) reaches the threshold; a relative one is a share of `base`. */
export function reaches(t: Threshold, change: string, base: string): string {
  if (typeof t === 'number') return `(${change}) >= ${lit(t)}`;
  const share = Number(t.trim().replace('%', '')) / 100;
  return `((${base}) > 0 AND (${change}) >= ${lit(share)} * (${base}))`;
}

/** SQL: the severity of the highest level `change` reaches, or NULL. */
export function levelOf(levels: Levels, change: string, base: string): string {
  const order: Severity[] = ['error', 'warn', 'info'];
  const whens = order.filter((s) => levels[s] !== undefined).map((s) => `WHEN ${reaches(levels[s]!, change, base)} THEN ${lit(s)}`);
  return whens.length ? `CASE ${whens.join(' ')} END` : 'NULL';
}

/** "30%" or "1,000" as the docs and messages show a threshold. */
export const describeLevels = (levels: Levels): string =>
  (['info', 'warn', 'error'] as const).filter((s) => levels[s] !== undefined).map((s) => `${s} at ${levels[s]}`).join(', ');
