// User SQL (a rule's where / check / sql query, a report's SQL and its reconcile query, `crmq sql`) is one
// read-only statement: anything else is one line naming the file and the field, and the database is untouched.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, query, tmp, write } from '../helpers.js';

const dir = tmp();
const db = join(dir, 'safe.duckdb');

const rule = (kind: string, params: string, extra = '') => `entity: contacts
kind: ${kind}
description: test rule
params: ${params}
severity: error
message: bad
docs: { why: because it matters a lot here, fix: fill it in from the source }
${extra}`;

const report = (extra = '') => `category: quality
title: { en: T, ru: Т }
description: { en: t, ru: т }
formula: { en: t, ru: т }
inputs: [contacts]
columns:
  n: { en: N, ru: Н, type: int, sum: true }
key: [n]
${extra}`;

async function state() {
  const [s] = await query<{ tables: number; imports: number; contacts: number; seq: number }>(
    db,
    `SELECT (SELECT count(*) FROM duckdb_tables() WHERE NOT temporary) AS tables, (SELECT count(*) FROM imports) AS imports,
       (SELECT count(*) FROM contacts) AS contacts, (SELECT max(import_id) FROM imports) AS seq`,
  );
  return s;
}

beforeAll(async () => {
  const r = await cli('import', write(dir, 'c.csv', 'id,email\n1,a@b.ru\n2,bad\n'), '--source', 's', '--entity', 'contacts', '--db', db);
  expect(r.code, r.stderr).toBe(0);
});

async function expectRefused(args: string[], message: RegExp) {
  const before = await state();
  const r = await cli(...args, '--db', db);
  expect(r.code, r.stdout).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(await state()).toEqual(before);
}

describe('rule SQL: one expression or one SELECT, on a connection that cannot write', () => {
  it.each([
    ['where: a second statement', rule('required', '{ fields: [email] }', 'where: "true; DROP TABLE imports; --"'), /contact\.a\.yaml: where: not valid SQL: syntax error/],
    ['where: out of its parentheses into a UNION', rule('required', '{ fields: [email] }', 'where: "true) UNION ALL SELECT * FROM contacts WHERE (true"'), /contact\.a\.yaml: where: must be a single SQL expression/],
    ['where: a comment that would swallow the rest', rule('required', '{ fields: [email] }', 'where: "true)) -- "'), /contact\.a\.yaml: where: (not valid SQL|must be a single SQL expression)/],
    ['consistency: a query for a check', rule('consistency', '{ check: "1) FROM contacts; DELETE FROM contacts; SELECT (1" }'), /contact\.a\.yaml: params: (not valid SQL|must be a single SQL expression)/],
    ['sql: two statements', rule('sql', '{ query: "SELECT source, source_id FROM {rows}; DROP TABLE imports" }'), /contact\.a\.yaml: params\.query: must be a single SELECT statement/],
    ['sql: a DELETE', rule('sql', '{ query: "DELETE FROM contacts RETURNING source, source_id" }'), /contact\.a\.yaml: params\.query: must be a single SELECT statement/],
    // A SELECT that writes (a sequence) is refused by the read-only connection itself.
    ['sql: a SELECT that bumps a sequence', rule('sql', `{ query: "SELECT source, source_id, nextval('import_id_seq') AS value FROM {rows}" }`), /contact\.a\.yaml: rule contact\.a failed in SQL: .*read-only/],
  ])('%s', async (_name, text, message) => {
    const rules = tmp();
    write(rules, 'contact.a.yaml', text);
    await expectRefused(['check', '--rules', rules, '--select', 'contact.a'], message);
  });

  // The rules' SQL is parsed in one round trip; the error reported is still the first in file order, every where before any check.
  it.each([
    ['two bad checks', { a: rule('consistency', '{ check: "1; SELECT 2" }'), b: rule('consistency', '{ check: "(SELECT 1) ORDER BY 1" }') }, /contact\.a\.yaml: params: not valid SQL/],
    ['a bad check, then two bad wheres', { a: rule('consistency', '{ check: "1; SELECT 2" }'), b: rule('required', '{ fields: [email] }', 'where: "true) UNION ALL SELECT * FROM contacts WHERE (true"'), c: rule('required', '{ fields: [email] }', 'where: "true; SELECT 1"') }, /contact\.b\.yaml: where: must be a single SQL expression/],
    ['two bad queries', { a: rule('sql', '{ query: "SELECT source, source_id FROM {rows}; SELECT 1" }'), b: rule('sql', '{ query: "DELETE FROM contacts RETURNING source, source_id" }') }, /contact\.a\.yaml: params\.query: must be a single SELECT statement, not 2/],
  ])('several bad rules (%s): the first is reported', async (_name, files, message) => {
    const rules = tmp();
    for (const [id, text] of Object.entries(files)) write(rules, `contact.${id}.yaml`, text);
    await expectRefused(['check', '--rules', rules, ...Object.keys(files).flatMap((id) => ['--select', `contact.${id}`])], message);
  });

  it('a where with a trailing comment still works (it ends at its own line)', async () => {
    const rules = tmp();
    write(rules, 'contact.a.yaml', rule('required', '{ fields: [email] }', `where: "source = 's' -- only this CRM"`));
    const r = await cli('check', '--rules', rules, '--select', 'contact.a', '--db', db, '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).rules[0]).toMatchObject({ rule: 'contact.a', checked: 2, failing: 0 });
  });
});

describe('report SQL: one SELECT on a read-only connection', () => {
  it.each([
    ['two statements', 'SELECT count(*) AS n FROM contacts; DROP TABLE imports', '', /x\.sql: must be a single SELECT statement/],
    ['a DROP', 'DROP TABLE imports', '', /x\.sql: must be a single SELECT statement/],
    ['a SELECT that writes', "SELECT nextval('import_id_seq') AS n", '', /x\.sql: report x failed in SQL: .*read-only/],
    ['a reconcile query that deletes', 'SELECT count(*) AS n FROM contacts', 'validations:\n  reconcile:\n    - { column: n, expected: "DELETE FROM contacts RETURNING 1 AS value" }', /x\.yaml: validations\.reconcile\.expected: must be a single SELECT statement/],
    // The definition's SQL expressions (scope, exclusions, currency) are one expression each, like a rule's where
    ['a scope where out of its parentheses', 'SELECT count(*) AS n FROM contacts', 'scope:\n  contacts:\n    where: "TRUE) UNION ALL SELECT * FROM contacts WHERE (TRUE"', /x\.yaml: scope\.contacts\.where: must be a single SQL expression/],
    ['an exclusion with a second statement', 'SELECT count(*) AS n FROM contacts', 'scope:\n  contacts:\n    exclude:\n      - { id: x, when: "TRUE; DROP TABLE imports", en: x, ru: x }', /x\.yaml: scope\.contacts\.exclude\.0\.when: not valid SQL/],
    ['a currency where that is a query', 'SELECT count(*) AS n FROM contacts', 'validations:\n  currency: { entity: contacts, grouped: false, where: "(SELECT 1) = 1 ORDER BY 1" }', /x\.yaml: validations\.currency\.0\.where: (must be a single SQL expression|not valid SQL)/],
  ])('%s', async (_name, sql, extra, message) => {
    const reports = tmp();
    write(reports, 'x.sql', sql);
    write(reports, 'x.yaml', report(extra));
    await expectRefused(['report', 'x', '--reports', reports], message);
  });
});

describe('crmq sql reads', () => {
  it('refuses to write, in one line', () => expectRefused(['sql', 'DROP TABLE imports'], /^crmq: sql: .*read-only/));
});
