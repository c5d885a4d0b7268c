// crmq find: a phone in any format, an e-mail exact first, a surname before a patronymic, a company — over the demo's
// contact and lead exports plus a few companies, checked against what the database holds (independent queries).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { phoneForms, queryKind } from '../src/dedupe/lookup.js';
import { cli, query, ROOT, tmp, write } from './helpers.js';

const dir = tmp();
const db = join(dir, 'find.duckdb');
type Hit = { score: number; entity: string; source: string; source_id: string; name: string; email: string | null; matched: string };
const find = async (...args: string[]): Promise<Hit[]> => {
  const r = await cli('find', ...args, '--db', db, '--format', 'json');
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Hit[];
};
const id = (h: { source: string; source_id: string }) => `${h.source}:${h.source_id}`;

beforeAll(async () => {
  const sample = join(ROOT, 'fixtures/sample');
  for (const [file, source] of [['bitrix24/Контакты.csv', 'b24'], ['bitrix24/Лиды.csv', 'b24'], ['amocrm/amocrm_export_contacts_2026-11-20.xlsx', 'amo'], ['hubspot/hubspot-crm-exports-all-contacts-2026-11-20.csv', 'hubspot']]) {
    const r = await cli('import', join(sample, file), '--source', source, '--db', db, '--format', 'json');
    expect(r.code, r.stderr).toBeLessThanOrEqual(1);
  }
  const companies = write(dir, 'companies.csv', [
    'source_id,name,inn,website,email,phone',
    'C1,ООО «Ромашка»,7707083893,romashka.ru,info@romashka.ru,+7 495 123-45-67',
    'C2,Ромашково Агро АО,5003052454,,,',
    'C3,Romashka Trading LLC,,romashka-trading.com,,',
    'C4,ПАО «СеверТорг»,7802312751,,,',
  ].join('\n'));
  expect((await cli('import', companies, '--source', 'erp', '--preset', 'canonical', '--entity', 'companies', '--db', db)).code).toBe(0);
});

describe('crmq find', () => {
  it('reads a query as an e-mail, a phone or a name', () => {
    expect(queryKind('Ivanov@Mail.ru')).toBe('e-mail');
    expect(queryKind('+7 (952) 312-07-59')).toBe('phone');
    expect(queryKind('Иванов 952')).toBe('name');
    expect(phoneForms('8 952 312-07-59', 'RU')).toEqual({ whole: ['79523120759', '9523120759', '89523120759'], part: '9523120759' });
    expect(phoneForms('+7 952 312', 'RU').whole).toEqual([]);
  });

  it('finds a phone written in any national or international format', async () => {
    const [stored] = await query<{ phone: string }>(db, `SELECT phone FROM contacts WHERE source = 'amo' AND source_id = '44340015'`);
    expect(stored.phone.replace(/\D/g, '')).toBe('79523120759');
    for (const q of ['+79523120759', '+7 (952) 312-07-59', '8 952 312-07-59', '89523120759', '952 312 07 59', '9523120759']) {
      const hits = await find(q);
      expect(hits.filter((h) => h.score === 1).map(id), q).toEqual(['amo:44340015']);
      expect(hits[0].matched).toBe('phone');
    }
    // Part of a number finds it below an exact match; one digit off does not.
    expect((await find('+7 952 312')).map((h) => [id(h), h.score])).toContainEqual(['amo:44340015', 0.8]);
    expect((await find('+7 952 312-07-58')).map(id)).not.toContain('amo:44340015');
  });

  it('finds every format a phone is stored in (8 (…), +7…, 7 … with spaces)', async () => {
    const rows = await query<{ source: string; source_id: string; phone: string }>(db, `SELECT source, source_id, phone FROM contacts WHERE phone LIKE '8 (%' OR phone LIKE '+7%' ORDER BY ALL LIMIT 4`);
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows) {
      const international = `+7${r.phone.replace(/\D/g, '').slice(-10)}`;
      expect((await find(international)).filter((h) => h.score === 1).map(id)).toContain(id(r));
    }
  });

  it('puts the exact e-mail first, whatever its case, above similar addresses', async () => {
    const holders = await query<{ source: string; source_id: string }>(db, `SELECT source, source_id FROM contacts WHERE lower(email) = 'ivanov.dmitriy@bk.ru' UNION ALL SELECT source, source_id FROM leads WHERE lower(email) = 'ivanov.dmitriy@bk.ru' ORDER BY ALL`);
    expect(holders.length).toBeGreaterThan(0);
    const hits = await find(' IVANOV.Dmitriy@bk.ru ');
    expect(hits.slice(0, holders.length).map((h) => [h.score, h.email?.toLowerCase()])).toEqual(holders.map(() => [1, 'ivanov.dmitriy@bk.ru']));
    expect(hits.slice(holders.length).every((h) => h.score < 0.95)).toBe(true);
    // The company's mailbox finds the company.
    expect((await find('info@romashka.ru'))[0]).toMatchObject({ entity: 'company', source_id: 'C1', score: 1 });
  });

  it('ranks people with the surname before those whose patronymic or feminine form only resembles it', async () => {
    const surname = await query<{ k: string }>(db, `
      SELECT source || ':' || source_id AS k FROM contacts WHERE last_name = 'Иванов'
      UNION ALL SELECT source || ':' || source_id FROM leads WHERE coalesce(last_name, split_part(full_name, ' ', 2)) = 'Иванов' ORDER BY 1`);
    const patronymic = await query<{ k: string }>(db, `SELECT source || ':' || source_id AS k FROM contacts WHERE middle_name IN ('Ивановна', 'Иванович')`);
    expect(surname.length).toBeGreaterThan(3);
    expect(patronymic.length).toBeGreaterThan(3);
    for (const q of ['Иванов', 'Ivanov']) {
      const hits = await find(q, '--limit', '50');
      const top = hits.slice(0, surname.length);
      expect(top.map(id).sort(), q).toEqual(surname.map((r) => r.k));
      expect(top.every((h) => h.score === 1)).toBe(true);
      const firstPatronymic = hits.findIndex((h) => patronymic.some((p) => p.k === id(h)));
      if (firstPatronymic >= 0) expect(firstPatronymic).toBeGreaterThanOrEqual(surname.length);
    }
    // Surname and first name in either order and either script: the one Олег Андреевич Иванов first.
    for (const q of ['Иванов Олег', 'Oleg Ivanov']) expect((await find(q)).map((h) => [id(h), h.score])[0], q).toEqual(['b24:1050', 1]);
  });

  it('finds a company by name (legal form and script aside) or INN, and the people working there after it', async () => {
    for (const q of ['Ромашка', 'ООО Ромашка', 'Romashka', '"Ромашка" LLC']) {
      const hits = await find(q);
      expect(hits[0], q).toMatchObject({ entity: 'company', source_id: 'C1', score: 1, matched: 'company' });
      expect(hits.map((h) => h.source_id), q).not.toContain('C4');
    }
    expect((await find('7707083893'))[0]).toMatchObject({ entity: 'company', source_id: 'C1', matched: 'inn', score: 1 });
    const hits = await find('СеверТорг', '--limit', '50');
    expect(hits[0]).toMatchObject({ entity: 'company', source_id: 'C4', score: 1 });
    const staff = await query<{ n: number }>(db, `SELECT count(*)::INT AS n FROM contacts WHERE company_name ILIKE '%СеверТорг%'`);
    expect(hits.filter((h) => h.matched === 'company' && h.entity === 'contact')).toHaveLength(staff[0].n);
  });

  it('a bad query is a usage error', async () => {
    expect((await cli('find', ' ', '--db', db)).code).toBe(2);
    expect((await cli('find', 'x', '--region', 'Russia', '--db', db)).stderr).toMatch(/--region/);
  });
});
