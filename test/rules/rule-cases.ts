// The shipped rules' data-only cases, as describe blocks: rule-cases.test.ts, rule-cases-deals.test.ts and
// rule-cases-rest.test.ts each run a part (a third of the ~110 cases each, so two workers share them).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRules, SHIPPED_RULES } from '../../src/rules/load-rules.js';
import { ROOT } from '../helpers.js';
import { closeCaseDb, runCase, type RuleCase } from './rule-tester.js';

export const rules = loadRules([SHIPPED_RULES]);

export const casesOf = (id: string): RuleCase[] => {
  const file = join(ROOT, 'test/rules/cases', `${id}.yaml`);
  return existsSync(file) ? (parse(readFileSync(file, 'utf8')) as { cases: RuleCase[] }).cases : [];
};

/** The entities of the first two parts; the third part is every other rule, so none is left out. */
export const PARTS = { people: ['contacts', 'companies'], deals: ['deals', 'invoices', 'payments', 'transactions', 'ad_spend'] };

export function ruleCases(part: keyof typeof PARTS | 'rest'): void {
  afterAll(closeCaseDb);
  const named = Object.values(PARTS).flat();
  const inPart = (entity: string) => (part === 'rest' ? !named.includes(entity) : PARTS[part].includes(entity));
  for (const rule of rules.filter((r) => inPart(r.entity))) {
    describe(rule.id, () => {
      for (const c of casesOf(rule.id)) {
        it(c.name, async () => {
          expect(await runCase(rule, c)).toEqual([...c.fail].sort());
        });
      }
    });
  }
}
