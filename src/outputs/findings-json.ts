import type { CheckResult } from '../commands/check.js';

export function findingsJson(r: CheckResult): string {
  return JSON.stringify({ run_id: r.runId, fail_on: r.failOn, failed: r.failed, summary: r.summary, rules: r.results, findings: r.findings }, null, 2) + '\n';
}
