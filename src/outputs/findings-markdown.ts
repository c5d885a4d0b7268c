// A check run as markdown (a CI job summary, a merge-request comment): failing rules first, skipped rules last.
import type { CheckResult } from '../commands/check.js';
import { failuresFirst, ruleStatus } from './rule-order.js';

const cell = (s: unknown) => String(s ?? '').replaceAll('|', '\\|').replace(/\s+/g, ' ');
const STATUS = { fail: '❌ fail', findings: '⚠ findings', pass: '✓ pass', skipped: '⏭ skipped (no rows)' } as const;

export function findingsMarkdown(r: CheckResult, sample = 5): string {
  const ordered = failuresFirst(r.results);
  const skipped = r.results.filter((x) => x.skipped).length;
  const lines = [
    `# crmq check: ${r.failed ? 'FAILED' : 'passed'}`,
    '',
    `${r.summary.rules} rules, ${r.summary.findings} findings (${r.summary.by_severity.error} error, ${r.summary.by_severity.warn} warn, ${r.summary.by_severity.info} info), ` +
      `${r.summary.failed_rules} rules failing at --fail-on ${r.failOn}${skipped ? `, ${skipped} skipped (no rows to check)` : ''}.`,
    '',
    '| rule | status | severity | entity | checked | failing | threshold |',
    '|---|---|---|---|---:|---:|---|',
    ...ordered.map((x) => `| ${x.rule} | ${STATUS[ruleStatus(x)]} | ${x.severity} | ${x.entity} | ${x.checked} | ${x.failing} | ${x.threshold} |`),
    '',
  ];
  for (const x of ordered.filter((y) => y.failing > 0)) {
    lines.push(`## ${x.rule}`, '', x.description, '', '| source | id | where | message |', '|---|---|---|---|');
    for (const f of r.findings.filter((y) => y.rule === x.rule).slice(0, sample)) {
      const where = f.file ? `${f.file.split(/[\\/]/).pop()}${f.line !== null ? `:${f.line}` : ''}` : '';
      lines.push(`| ${cell(f.source)} | ${cell(f.source_id)} | ${cell(where)} | ${cell(f.message)} |`);
    }
    if (x.failing > sample) lines.push(`| | | | … ${x.failing - sample} more |`);
    lines.push('');
  }
  return lines.join('\n');
}
