// A report in the terminal: the status and caveats first, then the rows.
import chalk from 'chalk';
import type { ReportResult } from '../reports/run-report.js';
import { formatCell } from '../reports/render/format.js';
import { VALIDATION_NAMES, WORDS, type Lang } from '../reports/render/i18n.js';
import { renderTable } from './table.js';

const COLOUR = { valid: chalk.green, warning: chalk.yellow, invalid: chalk.red } as const;

export function reportTable(r: ReportResult, lang: Lang): string {
  const w = WORDS[lang];
  const lines = [
    chalk.bold(r.title[lang]),
    `${COLOUR[r.status](`${w.status}: ${w[r.status]}`)}  ${w.period}: ${r.period.start} – ${r.period.end} (${w.asOf} ${r.period.asOf})`,
  ];
  for (const v of r.validations.filter((x) => x.status !== 'valid')) lines.push(COLOUR[v.status](`  ${VALIDATION_NAMES[v.name][lang]}: ${v.message[lang]}`));
  const rows = r.rows.map((row) => Object.fromEntries(r.columns.map((c) => [c[lang], formatCell(row[c.name], c.type, lang)])));
  lines.push(r.rows.length ? renderTable(rows, r.columns.map((c) => c[lang])) : w.noRows, '');
  return lines.join('\n');
}
