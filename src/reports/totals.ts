// Total rows that add up only what adds up: one per currency (when the report has a currency column) and per each
// `total_by` column (e.g. the attribution model); counts and money sum, ratios, averages, orders and years never do,
// and a column with no data stays without a total.
import type { Row } from '../db/database.js';
import { sums } from './report-def.js';

export interface TotalsInput {
  columns: { name: string; type: string; sum?: boolean }[];
  rows: Row[];
  totalBy: string[];
  noData: string[];
}

/** The columns a Total row is split by: the currency column first, then `total_by`. */
export function totalKeys(r: TotalsInput): string[] {
  const currency = r.columns.find((c) => c.type === 'currency')?.name;
  return [...(currency ? [currency] : []), ...r.totalBy.filter((b) => b !== currency)];
}

export function totalRows(r: TotalsInput): Row[] {
  const summed = r.columns.filter((c) => sums(c) && !r.noData.includes(c.name));
  if (!r.rows.length || !summed.length) return [];
  const keys = totalKeys(r);
  const groups = new Map<string, Row>();
  for (const row of r.rows) {
    const k = JSON.stringify(keys.map((c) => row[c] ?? null));
    let t = groups.get(k);
    if (!t) {
      t = Object.fromEntries(r.columns.map((c) => [c.name, keys.includes(c.name) ? (row[c.name] ?? null) : null]));
      groups.set(k, t);
    }
    for (const c of summed) {
      const v = row[c.name];
      if (v === null || v === undefined || v === '') continue;
      t[c.name] = Math.round(((t[c.name] as number | null) ?? 0) * 100 + Number(v) * 100) / 100;
    }
  }
  // In the order the rows first show each currency (model, direction): the rows' order is deterministic, so is this.
  return [...groups.values()];
}
