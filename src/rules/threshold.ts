// `fail_if`: when a rule's findings make it fail. "> 2%" of the rows checked, ">= 10" findings, or a bare count.
import { CrmqError } from '../errors.js';

export interface Threshold {
  op: '>' | '>=';
  value: number;
  percent: boolean;
}

export const DEFAULT_THRESHOLD: Threshold = { op: '>', value: 0, percent: false };

export function parseThreshold(raw: string | number | undefined, where: string): Threshold {
  if (raw === undefined) return DEFAULT_THRESHOLD;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || raw < 0) throw new CrmqError(`${where}: fail_if: ${raw} is not a count of zero or more`);
    return { op: '>', value: raw, percent: false };
  }
  const m = /^\s*(>=|>)?\s*(\d+(?:\.\d+)?)\s*(%)?\s*$/.exec(raw);
  if (!m) throw new CrmqError(`${where}: fail_if: "${raw}" is not a threshold such as "> 2%", ">= 10" or 5`);
  const value = Number(m[2]);
  if (m[3] && value > 100) throw new CrmqError(`${where}: fail_if: "${raw}" is more than 100%`);
  return { op: (m[1] as '>' | '>=') ?? '>', value, percent: !!m[3] };
}

/** True when `failing` of `checked` rows crosses the threshold. */
export function exceeds(t: Threshold, failing: number, checked: number): boolean {
  const x = t.percent ? (checked === 0 ? 0 : (failing / checked) * 100) : failing;
  return t.op === '>' ? x > t.value : x >= t.value;
}

export const describeThreshold = (t: Threshold): string => `${t.op} ${t.value}${t.percent ? '%' : ''}`;
