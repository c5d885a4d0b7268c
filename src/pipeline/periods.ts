// Relative periods ("last-full-month", "previous-week", …) resolved at run time in a stated time zone.
import { CrmqError } from '../errors.js';

export const RELATIVE_PERIODS = ['yesterday', 'last-7-days', 'previous-week', 'week-to-date', 'last-full-month', 'month-to-date', 'previous-quarter', 'year-to-date'] as const;
export type RelativePeriod = (typeof RELATIVE_PERIODS)[number];

const iso = (d: Date) => d.toISOString().slice(0, 10);
const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));

/** Today's date in a time zone, as a UTC-midnight Date. */
export function todayIn(timeZone: string, now = new Date()): Date {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  } catch {
    throw new CrmqError(`timezone: "${timeZone}" is not a time zone (e.g. Europe/Moscow, UTC)`);
  }
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return day(get('year'), get('month') - 1, get('day'));
}

export function resolveRelative(name: RelativePeriod, today: Date): { from: string; to: string; asOf: string } {
  const [y, m, d] = [today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()];
  const dow = (today.getUTCDay() + 6) % 7; // Monday = 0
  const asOf = iso(today);
  switch (name) {
    case 'yesterday':
      return { from: iso(day(y, m, d - 1)), to: iso(day(y, m, d - 1)), asOf };
    case 'last-7-days':
      return { from: iso(day(y, m, d - 7)), to: iso(day(y, m, d - 1)), asOf };
    case 'previous-week':
      return { from: iso(day(y, m, d - dow - 7)), to: iso(day(y, m, d - dow - 1)), asOf };
    case 'week-to-date':
      return { from: iso(day(y, m, d - dow)), to: asOf, asOf };
    case 'last-full-month':
      return { from: iso(day(y, m - 1, 1)), to: iso(day(y, m, 0)), asOf };
    case 'month-to-date':
      return { from: iso(day(y, m, 1)), to: asOf, asOf };
    case 'previous-quarter': {
      const q = Math.floor(m / 3);
      return { from: iso(day(y, (q - 1) * 3, 1)), to: iso(day(y, q * 3, 0)), asOf };
    }
    case 'year-to-date':
      return { from: iso(day(y, 0, 1)), to: asOf, asOf };
  }
}
