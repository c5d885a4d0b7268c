// JUnit XML as CI systems read it (Jenkins, GitLab, GitHub test reporters): a suite per entity, a test case per rule;
// a rule that fails the check (at or above --fail-on, over its threshold) is a <failure> listing its findings; a rule
// with no rows to check is <skipped/>.
import type { CheckResult } from '../commands/check.js';
import { xml } from './xml.js';

const SAMPLE = 50;

export function findingsJunit(r: CheckResult): string {
  const entities = [...new Set(r.results.map((x) => x.entity))];
  const time = (n: number) => n.toFixed(3);
  const now = new Date().toISOString().slice(0, 19);
  const suites = entities.map((entity) => {
    const rules = r.results.filter((x) => x.entity === entity);
    const cases = rules.map((rule) => {
      const found = r.findings.filter((f) => f.rule === rule.rule && f.new);
      const lines = found.slice(0, SAMPLE).map((f) => `${f.severity === rule.severity ? '' : `[${f.severity}] `}${f.source}:${f.source_id}${f.file ? ` (${f.file.split(/[\\/]/).pop()}${f.line !== null ? `:${f.line}` : ''})` : ''}: ${f.message}`);
      if (found.length > SAMPLE) lines.push(`… and ${found.length - SAMPLE} more`);
      const body = rule.skipped
        ? `\n      <skipped message="${xml(`no ${entity} rows to check`)}"/>\n    `
        : rule.failed
        ? `\n      <failure message="${xml(`${rule.new_failing} of ${rule.checked} rows fail (threshold ${rule.threshold})`)}" type="${xml(rule.severity)}">${xml(lines.join('\n'))}</failure>\n    `
        : found.length
          ? `\n      <system-out>${xml(`${found.length} ${rule.severity} finding(s), below --fail-on ${r.failOn} or within threshold ${rule.threshold}:\n${lines.join('\n')}`)}</system-out>\n    `
          : '';
      return `    <testcase classname="${xml(`crmq.${entity}`)}" name="${xml(rule.rule)}" time="${time(rule.seconds)}">${body}</testcase>`;
    });
    const failures = rules.filter((x) => x.failed).length;
    const skipped = rules.filter((x) => x.skipped).length;
    const seconds = rules.reduce((a, x) => a + x.seconds, 0);
    return `  <testsuite name="${xml(entity)}" tests="${rules.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time(seconds)}" timestamp="${now}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const total = r.results.reduce((a, x) => a + x.seconds, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="crmq check" tests="${r.results.length}" failures="${r.summary.failed_rules}" errors="0" time="${time(total)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
