import { describe, expect, it } from 'vitest';
import { loadRuleFile, loadRules, SHIPPED_RULES } from '../../src/rules/load-rules.js';
import { exceeds, parseThreshold } from '../../src/rules/threshold.js';
import { cli, tmp, write } from '../helpers.js';

const dir = tmp();
const base = `entity: contacts
kind: required
description: test rule
params: { fields: [email] }
severity: error
message: missing
docs: { why: because it matters a lot here, fix: fill it in from the source }
`;

describe('rule files: a bad one is one line naming the file and the field', () => {
  it.each([
    ['bad YAML', 'x.bad-yaml.yaml', 'entity: [contacts\n', /x\.bad-yaml\.yaml:\d+: invalid YAML/],
    ['unknown kind', 'x.kind.yaml', base.replace('kind: required', 'kind: telepathy'), /x\.kind\.yaml:2: kind: unknown kind "telepathy" \(one of required, unique/],
    ['bad threshold', 'x.threshold.yaml', base + 'fail_if: "more than a few"\n', /x\.threshold\.yaml:8: fail_if: "more than a few" is not a threshold/],
    ['unknown entity', 'x.entity.yaml', base.replace('entity: contacts', 'entity: unicorns'), /x\.entity\.yaml:1: entity: "unicorns" is not one of users, contacts, companies/],
    ['bad params', 'x.params.yaml', base.replace('params: { fields: [email] }', 'params: { fields: email }'), /x\.params\.yaml:4: params\.fields: /],
    ['unknown key', 'x.key.yaml', base + 'colour: red\n', /x\.key\.yaml:8: unknown key colour \(keys here: entity, kind/],
    ['missing docs', 'x.docs.yaml', base.replace(/docs:.*\n/, ''), /x\.docs\.yaml:1: docs: /],
    ['bad severity', 'x.sev.yaml', base.replace('severity: error', 'severity: fatal'), /x\.sev\.yaml:5: severity: /],
    ['misspelt key', 'x.severty.yaml', base.replace('severity: error', 'severty: error'), /\/x\.severty\.yaml:5: unknown key severty \(did you mean severity\?\)$/],
    ['misspelt kind', 'x.kind2.yaml', base.replace('kind: required', 'kind: requird'), /x\.kind2\.yaml:2: kind: unknown kind "requird" \(did you mean required\?\)/],
    ['bad params.format', 'x.fmt.yaml', base.replace('kind: required', 'kind: format').replace('params: { fields: [email] }', 'params: { field: emails, format: emale }'), /x\.fmt\.yaml:4: params\.format: "emale" is not one of email, phone, url, inn, date_range \(did you mean email\?\)/],
  ])('%s', (_name, file, text, message) => {
    expect(() => loadRuleFile(write(dir, file, text))).toThrow(message);
  });

  it('a file name that is not a rule id', () => {
    expect(() => loadRuleFile(write(dir, 'Contact Email.yaml', base))).toThrow(/Contact Email\.yaml: a rule file is named <entity>\.<what>\.yaml/);
  });

  it('a SQL error in a custom rule names the rule file, exit 2', async () => {
    const rules = tmp();
    write(rules, 'contact.custom.consistency.yaml', base.replace('kind: required', 'kind: consistency').replace('params: { fields: [email] }', 'params: { check: "no_such_column > 1" }'));
    const db = `${dir}/sqlerr.duckdb`;
    await cli('import', write(dir, 'c.csv', 'id,email\n1,a@b.ru\n'), '--source', 's', '--entity', 'contacts', '--db', db);
    const r = await cli('check', '--rules', rules, '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^crmq: .*contact\.custom\.consistency\.yaml: rule contact\.custom\.consistency failed in SQL: Binder Error: Referenced column "no_such_column" not found/);
  });

  it('the shipped pack loads', () => {
    expect(loadRules([SHIPPED_RULES]).length).toBeGreaterThanOrEqual(30);
  });
});

describe('thresholds', () => {
  it.each([
    [undefined, 0, 100, false], [undefined, 1, 100, true], ['> 2%', 2, 100, false], ['> 2%', 3, 100, true], ['>= 10', 10, 1000, true], [5, 5, 10, false], [5, 6, 10, true], ['> 0%', 0, 0, false],
  ])('fail_if %j with %i of %i failing → %s', (raw, failing, checked, expected) => {
    expect(exceeds(parseThreshold(raw as string | number | undefined, 'f'), failing, checked)).toBe(expected);
  });
});
