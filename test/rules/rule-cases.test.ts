// One generic test runs every shipped rule against its data-only cases (SQLFluff's YAML cases, ESLint's RuleTester).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRules, SHIPPED_RULES } from '../../src/rules/load-rules.js';
import { ROOT } from '../helpers.js';
import { runCase, type RuleCase } from './rule-tester.js';

const rules = loadRules([SHIPPED_RULES]);
const casesOf = (id: string): RuleCase[] => {
  const file = join(ROOT, 'test/rules/cases', `${id}.yaml`);
  return existsSync(file) ? (parse(readFileSync(file, 'utf8')) as { cases: RuleCase[] }).cases : [];
};

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

  for (const rule of rules) {
    describe(rule.id, () => {
      for (const c of casesOf(rule.id)) {
        it(c.name, async () => {
          expect(await runCase(rule, c)).toEqual([...c.fail].sort());
        });
      }
    });
  }
});
