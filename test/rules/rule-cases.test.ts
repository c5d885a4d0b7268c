// One generic test runs every shipped rule against its data-only cases (SQLFluff's YAML cases, ESLint's RuleTester).
// This file: the pack's completeness and the contact and company rules; deals and money in rule-cases-deals.test.ts,
// every other rule in rule-cases-rest.test.ts.
import { describe, expect, it } from 'vitest';
import type { RuleCase } from './rule-tester.js';
import { casesOf, ruleCases, rules } from './rule-cases.js';

describe('the shipped rule pack', () => {
  it('has cases for every rule, each case with failing and passing rows, and docs', () => {
    for (const rule of rules) {
      const cases = casesOf(rule.id);
      expect(cases.length, `${rule.id}: add test/rules/cases/${rule.id}.yaml`).toBeGreaterThan(0);
      expect(cases.some((c) => c.fail.length > 0), `${rule.id}: no case with failing rows`).toBe(true);
      // A passing row, or (for drift rules, whose cases are exports) a case whose exports raise nothing.
      const passes = (c: RuleCase) => (c.imports ? c.fail.length === 0 : (c.rows ?? []).some((r) => !c.fail.includes(String(r.source_id))));
      expect(cases.some(passes), `${rule.id}: no passing row or case`).toBe(true);
      expect(rule.docs.why.length + rule.docs.fix.length).toBeGreaterThan(40);
    }
  });

  ruleCases('people');
});
