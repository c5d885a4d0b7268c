// The history as one long CSV table (kind, id, at, source, entity, measure, value): ready for a pivot table or a BI tool.
import { renderCsv } from '../ui/table.js';
import type { History } from './history.js';

export function historyCsv(h: History): string {
  const rows: Record<string, unknown>[] = [];
  for (const i of h.imports) {
    const base = { kind: 'import', id: i.import_id, at: i.at, source: i.source, entity: i.entity };
    const measures: [string, unknown][] = [
      ['rows', i.rows], ['rows_new', i.rows_new], ['rows_changed', i.rows_changed], ['rows_gone', i.rows_gone], ['rejected', i.rejected], ['fill', i.fill], ['drift_findings', i.drift],
      ...Object.entries(i.fields).map(([f, v]): [string, unknown] => [`fill:${f}`, v]),
    ];
    for (const [measure, value] of measures) if (value !== null && value !== undefined) rows.push({ ...base, measure, value });
  }
  for (const r of h.runs) {
    const base = { kind: 'check_run', id: r.run_id, at: r.at, source: h.filter.source, entity: h.filter.entity };
    for (const m of ['findings', 'error', 'warn', 'info', 'new', 'resolved', 'duplicates', 'drift'] as const) rows.push({ ...base, measure: m, value: r[m] });
  }
  const last = h.runs.at(-1);
  if (last) for (const r of h.rules) rows.push({ kind: 'rule', id: last.run_id, at: last.at, source: h.filter.source, entity: r.entity, measure: `${r.rule}:${r.severity}`, value: r.latest });
  return renderCsv(rows, ['kind', 'id', 'at', 'source', 'entity', 'measure', 'value']);
}
