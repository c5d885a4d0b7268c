// The tree stays in step with itself: generated docs are fresh, every preset and entity is documented.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelMarkdown } from '../src/model/docs.js';
import { connectorsMarkdown } from '../src/pull/docs.js';
import { reportsMarkdown } from '../src/reports/docs.js';
import { loadReports, SHIPPED_REPORTS } from '../src/reports/load-reports.js';
import { KINDS } from '../src/rules/kinds/index.js';
import { ROOT } from './helpers.js';

describe('layout', () => {
  it('docs/reports.md matches reports/*.yaml (run `npm run docs`)', () => {
    expect(readFileSync(join(ROOT, 'docs/reports.md'), 'utf8')).toBe(reportsMarkdown(loadReports([SHIPPED_REPORTS])));
  });

  it('docs/rules.md documents every rule kind', () => {
    const doc = readFileSync(join(ROOT, 'docs/rules.md'), 'utf8');
    for (const kind of Object.keys(KINDS)) expect(doc, kind).toContain(`| \`${kind}\` |`);
  });

  it('every report has a hand-computed test', () => {
    const tests = readFileSync(join(ROOT, 'test/reports/reports.test.ts'), 'utf8');
    for (const r of loadReports([SHIPPED_REPORTS])) expect(tests, r.id).toMatch(new RegExp(`it\\('${r.id}: `));
  });

  it('docs/connectors.md matches src/pull/connectors (run `npm run docs`)', () => {
    expect(readFileSync(join(ROOT, 'docs/connectors.md'), 'utf8')).toBe(connectorsMarkdown());
  });

  it('docs/model.md matches src/model/tables.ts (run `npm run docs`)', () => {
    expect(readFileSync(join(ROOT, 'docs/model.md'), 'utf8')).toBe(modelMarkdown());
  });
});
