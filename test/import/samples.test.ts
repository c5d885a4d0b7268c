// The real CRM export samples in ../shared/samples import with every reject explained.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, HAS_SHARED, query, SHARED, tmp } from '../helpers.js';

const dir = tmp();

/** The only rejects the samples may produce, each with the reason PROVENANCE.md gives. */
const EXPLAINED: Record<string, { line: number; reason: string }[]> = {
  // "The leads file's last row has an empty ID (a duplicate of the row above) — the author's broken lead test case."
  'amoimport__leads_test.csv': [{ line: 21, reason: 'empty ID' }],
};

const EXPECTED_ENTITY: Record<string, string> = {
  'amoimport__leads_test.csv': 'deals',
  'amoimport__contacts_test.csv': 'contacts',
  'sample-apps-imports__node__example.csv': 'contacts',
  'sample-apps-imports__python__import_emails.csv': 'contacts',
  'apex-recipes__Accounts.csv': 'companies',
  'apex-recipes__Contacts.csv': 'contacts',
  'apex-recipes__Opportunities.csv': 'deals',
  'apex-recipes__Opportunities.json': 'deals',
  'lwc-recipes__Accounts-Contacts.csv': 'contacts',
  'lwc-recipes__Accounts.json': 'companies',
  'lwc-recipes__Contacts.json': 'contacts',
  'lwc-recipes__Opportunities.json': 'deals',
};

describe.skipIf(!HAS_SHARED)('shared/samples', () => {
  const files = HAS_SHARED
    ? ['amocrm', 'hubspot', 'salesforce'].flatMap((d) => readdirSync(join(SHARED, 'samples', d)).filter((f) => /\.(csv|json)$/.test(f) && f !== 'lwc-recipes__data-plan.json').map((f) => join(SHARED, 'samples', d, f)))
    : [];

  it('covers every sample file', () => expect(files.map((f) => f.split('/').pop()).sort()).toEqual(Object.keys(EXPECTED_ENTITY).sort()));

  it.each(files)('%s imports with zero unexplained rejects', async (file) => {
    const name = file.split('/').pop()!;
    const db = join(dir, `${name}.duckdb`);
    const r = await cli('import', file, '--source', 'sample', '--db', db, '--format', 'json');
    expect(r.stderr).toBe('');
    const [res] = JSON.parse(r.stdout);
    expect(res.entity).toBe(EXPECTED_ENTITY[name]);
    expect(res.rowsRead).toBe(res.rowsLoaded + res.rowsRejected);
    const rejects = await query<{ line: number; reason: string }>(db, 'SELECT line, reason FROM rejects ORDER BY line');
    expect(rejects).toEqual(EXPLAINED[name] ?? []);
    const [{ n }] = await query<{ n: number }>(db, `SELECT count(*) AS n FROM ${res.entity}`);
    expect(n).toBe(res.rowsLoaded);
  });
});
