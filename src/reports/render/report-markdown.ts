import type { ReportResult } from '../run-report.js';
import { NUMERIC, showCell, showTotalCell } from './format.js';
import { WORDS, type Lang } from './i18n.js';

const cell = (s: string) => s.replaceAll('|', '\\|').replace(/\s+/g, ' ');

export function reportMarkdown(r: ReportResult, lang: Lang): string {
  const w = WORDS[lang];
  const lines = [
    `## ${r.title[lang]}`, '',
    `**${w.status}: ${w[r.status]}** · ${w.period}: ${r.period.start} – ${r.period.end} (${w.asOf} ${r.period.asOf})`, '',
    r.description[lang], '',
  ];
  for (const v of r.validations.filter((x) => x.status !== 'valid')) lines.push(`> ${v.status === 'invalid' ? '⛔' : '⚠'} ${v.message[lang]}`);
  for (const n of r.notes) lines.push(`> ℹ ${n[lang]}`);
  lines.push('');
  if (r.rows.length === 0) lines.push(w.noRows);
  else {
    lines.push(`| ${r.columns.map((c) => c[lang]).join(' | ')} |`, `|${r.columns.map((c) => (NUMERIC.has(c.type) ? '---:' : '---')).join('|')}|`);
    for (const row of r.rows) lines.push(`| ${r.columns.map((c) => cell(showCell(r, row, c, lang))).join(' | ')} |`);
    for (const t of r.totals) lines.push(`| ${r.columns.map((c) => `**${cell(showTotalCell(r, t, c, lang))}**`.replace('****', '')).join(' | ')} |`);
  }
  lines.push('', `*${w.formula}:* ${r.formula[lang]}`, '');
  return lines.join('\n');
}
