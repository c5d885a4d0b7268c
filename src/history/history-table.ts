// The history in the terminal: imports, check runs and findings by rule, as aligned tables.
import { renderTable } from '../ui/table.js';
import type { History } from './history.js';

const signed = (n: number | null) => (n === null ? null : n > 0 ? `+${n}` : String(n));

export function historyTable(h: History): string {
  const scope = [h.filter.source, h.filter.entity].filter(Boolean).join(' / ');
  const out: string[] = [];
  out.push(`Imports${scope ? ` (${scope})` : ''}`);
  out.push(
    h.imports.length
      ? renderTable(h.imports.map((i) => ({
          import: i.import_id, at: i.at.slice(0, 16), source: i.source, entity: i.entity, file: i.file, rows: i.rows, change: signed(i.rows_change),
          new: i.rows_new, changed: i.rows_changed, gone: i.complete === false ? 'pull' : i.rows_gone, rejected: i.rejected, 'fill %': i.fill, drift: i.drift,
        })))
      : '(no imports)',
  );
  out.push('', 'Check runs');
  out.push(
    h.runs.length
      ? renderTable(h.runs.map((r) => ({ run: r.run_id, at: r.at.slice(0, 16), rules: r.rules, findings: r.findings, error: r.error, warn: r.warn, info: r.info, new: r.new, resolved: r.resolved, duplicates: r.duplicates, drift: r.drift })))
      : '(no check runs: crmq check)',
  );
  if (h.rules.length) {
    out.push('', `Findings by rule (run #${h.runs.at(-1)?.run_id}, and the run before it that ran the rule)`);
    out.push(renderTable(h.rules.map((r) => ({
      rule: r.rule, severity: r.severity, now: r.latest, before: r.previous, 'before in': r.previous_run === null ? null : `#${r.previous_run}`, open: r.open, resolved: r.resolved,
      'open since': r.first_seen?.slice(0, 16) ?? null,
    }))));
  }
  return out.join('\n') + '\n';
}
