import type { CheckResult } from '../commands/check.js';

const cell = (s: unknown) => String(s ?? '').replaceAll('|', '\\|').replace(/\s+/g, ' ');

export function findingsMarkdown(r: CheckResult, sample = 5): string {
  const lines = [
    `# crmq check: ${r.failed ? 'FAILED' : 'passed'}`,
    '',
    `${r.summary.rules} rules, ${r.summary.findings} findings (${r.summary.by_severity.error} error, ${r.summary.by_severity.warn} warn, ${r.summary.by_severity.info} info), ` +
      `${r.summary.failed_rules} rules failing at --fail-on ${r.failOn}.`,
    '',
    '| rule | severity | entity | checked | failing | threshold | status |',
    '|---|---|---|---:|---:|---|---|',
    ...r.results.map((x) => `| ${x.rule} | ${x.severity} | ${x.entity} | ${x.checked} | ${x.failing} | ${x.threshold} | ${x.failed ? '❌ fail' : x.failing ? '⚠ findings' : '✓'} |`),
    '',
  ];
  for (const x of r.results.filter((y) => y.failing > 0)) {
    lines.push(`## ${x.rule}`, '', x.description, '', '| source | id | message |', '|---|---|---|');
    for (const f of r.findings.filter((y) => y.rule === x.rule).slice(0, sample)) lines.push(`| ${cell(f.source)} | ${cell(f.source_id)} | ${cell(f.message)} |`);
    if (x.failing > sample) lines.push(`| | | … ${x.failing - sample} more |`);
    lines.push('');
  }
  return lines.join('\n');
}
