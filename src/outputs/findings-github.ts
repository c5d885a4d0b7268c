// GitHub Actions workflow commands: each finding becomes an annotation on the run.
import type { CheckResult } from '../commands/check.js';

const LEVEL = { error: 'error', warn: 'warning', info: 'notice' } as const;
const esc = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const prop = (s: string) => esc(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

export function findingsGithub(r: CheckResult, perRule = 50): string {
  const out: string[] = [];
  for (const x of r.results) {
    const found = r.findings.filter((f) => f.rule === x.rule && f.new);
    for (const f of found.slice(0, perRule)) out.push(`::${LEVEL[f.severity]} title=${prop(`${f.rule} (${f.source}:${f.source_id})`)}::${esc(f.message)}`);
    if (found.length > perRule) out.push(`::${LEVEL[x.severity]} title=${prop(x.rule)}::${found.length - perRule} more findings; see the JSON or XLSX output`);
  }
  out.push(`crmq check: ${r.summary.findings} findings, ${r.summary.failed_rules} rules failing at ${r.failOn}`);
  return out.join('\n') + '\n';
}
