// One plural rule for every count in the outputs (CLDR, via Intl.PluralRules).
import { describe, expect, it } from 'vitest';
import { count } from '../src/plural.js';

const FINDINGS = { one: 'находка', few: 'находки', many: 'находок' };

describe('count', () => {
  it('gives Russian its three forms by the last digits, 11–14 being many', () => {
    const cases: [number, string][] = [[0, 'находок'], [1, 'находка'], [2, 'находки'], [4, 'находки'], [5, 'находок'], [11, 'находок'], [12, 'находок'], [14, 'находок'],
      [21, 'находка'], [22, 'находки'], [25, 'находок'], [34, 'находки'], [101, 'находка'], [111, 'находок'], [1000, 'находок'], [1.5, 'находки']];
    for (const [n, word] of cases) expect(count(n, 'ru', FINDINGS), String(n)).toBe(`${n.toLocaleString('ru-RU')} ${word}`);
  });

  it('gives English one and other', () => {
    expect(count(1, 'en', { one: 'finding', other: 'findings' })).toBe('1 finding');
    expect(count(34, 'en', { one: 'finding', other: 'findings' })).toBe('34 findings');
    expect(count(1234, 'en', { one: 'row', other: 'rows' })).toBe('1,234 rows');
  });
});
