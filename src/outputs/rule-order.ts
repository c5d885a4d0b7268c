// The order every findings output lists rules in: failing rules first, then rules with findings (errors before
// warnings, more findings first), then clean rules, then skipped ones (no rows to check); ties by rule id.
import type { CheckResult } from '../commands/check.js';
import { severityRank } from '../rules/rule.js';

type Result = CheckResult['results'][number];

export type RuleStatus = 'fail' | 'findings' | 'pass' | 'skipped';

export const ruleStatus = (x: Result): RuleStatus => (x.failed ? 'fail' : x.skipped ? 'skipped' : x.failing > 0 ? 'findings' : 'pass');

const RANK: Record<RuleStatus, number> = { fail: 0, findings: 1, pass: 2, skipped: 3 };

export function failuresFirst(results: Result[]): Result[] {
  return [...results].sort(
    (a, b) => RANK[ruleStatus(a)] - RANK[ruleStatus(b)] || severityRank(b.severity) - severityRank(a.severity) || b.failing - a.failing || a.rule.localeCompare(b.rule),
  );
}
