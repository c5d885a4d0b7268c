// A report in the terminal: the status and what made it so (the failing checks first) and its notes, then the rows
// and the Total rows, numbers right-aligned by column type, fitted to the terminal's width.
import chalk from './chalk.js';
import type { ReportResult } from '../reports/run-report.js';
import { NUMERIC, showCell, showTotalCell } from '../reports/render/format.js';
import { VALIDATION_NAMES, WORDS, type Lang } from '../reports/render/i18n.js';
import { STATUS_RANK } from '../reports/validation.js';
import { renderTable } from './table.js';

const COLOUR = { valid: chalk.green, warning: chalk.yellow, invalid: chalk.red } as const;

export function reportTable(r: ReportResult, lang: Lang, width?: number): string {
  const w = WORDS[lang];
  const lines = [
    chalk.bold(r.title[lang]),
    `${COLOUR[r.status](`${w.status}: ${w[r.status]}`)}  ${w.period}: ${r.period.start} – ${r.period.end} (${w.asOf} ${r.period.asOf})`,
  ];
  const notValid = r.validations.filter((x) => x.status !== 'valid').sort((a, b) => STATUS_RANK[b.status] - STATUS_RANK[a.status]);
  for (const v of notValid) lines.push(COLOUR[v.status](`  ${w[v.status]}: ${VALIDATION_NAMES[v.name][lang]}: ${v.message[lang]}`));
  for (const n of r.notes) lines.push(`  ${w.note}: ${n[lang]}`);
  const labels = r.columns.map((c) => c[lang]);
  const rows = [
    ...r.rows.map((row) => Object.fromEntries(r.columns.map((c) => [c[lang], showCell(r, row, c, lang)]))),
    ...r.totals.map((t) => Object.fromEntries(r.columns.map((c) => [c[lang], showTotalCell(r, t, c, lang)]))),
  ];
  const right = r.columns.filter((c) => NUMERIC.has(c.type)).map((c) => c[lang]);
  lines.push(r.rows.length ? renderTable(rows, labels, { right, width }) : w.noRows, '');
  return lines.join('\n');
}
