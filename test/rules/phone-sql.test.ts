// The SQL path for phones (src/rules/phone-sql.ts) must give exactly libphonenumber-js's E.164 for every phone it
// answers: checked over the sample exports' phones, every country's example numbers in several formats and regions,
// and a seeded set of Russian and random numbers typed the ways people type them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import examples from 'libphonenumber-js/examples.mobile.json';
import { getCountries, getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_DIR } from '../../src/commands/demo.js';
import { openDb, type Db } from '../../src/db/database.js';
import { lit } from '../../src/db/sql.js';
import { importFile } from '../../src/import/import-file.js';
import { phoneE164, phonesInSql } from '../../src/rules/normalize.js';
import { rng } from '../../fixtures/gen/random.js';
import { ruPhoneStyle } from '../../fixtures/gen/people.js';

let db: Db;
beforeAll(async () => {
  db = await openDb(':memory:');
});
afterAll(() => db.close());

interface Compared {
  total: number;
  bySql: number;
  /** Phones where SQL answered something other than the library. */
  wrong: { raw: string; region: string; sql: string; library: string | null }[];
}

/** Runs the SQL path over the phones and compares each answer it gives with libphonenumber-js's. */
async function compare(phones: [raw: string, region: string][], maxCodes?: number): Promise<Compared> {
  await db.run('CREATE OR REPLACE TEMP TABLE t_phones (raw VARCHAR, region VARCHAR)');
  for (let i = 0; i < phones.length; i += 2000) {
    await db.run(`INSERT INTO t_phones VALUES ${phones.slice(i, i + 2000).map(([r, g]) => `(${lit(r)}, ${lit(g)})`).join(', ')}`);
  }
  await db.run('CREATE OR REPLACE TEMP TABLE t_distinct AS SELECT DISTINCT raw, region FROM t_phones');
  await phonesInSql(db, 't_distinct', 't_sql', maxCodes);
  const rows = await db.all<{ raw: string; region: string; e164: string }>('SELECT raw, region, e164 FROM t_sql');
  const [{ total }] = await db.all<{ total: number }>('SELECT count(*) AS total FROM t_distinct');
  const wrong = rows.map((r) => ({ raw: r.raw, region: r.region, sql: r.e164, library: phoneE164(r.raw, r.region) })).filter((r) => r.sql !== r.library);
  return { total, bySql: rows.length, wrong };
}

const REGIONS = ['RU', 'KZ', 'BY', 'UA', 'DE', 'US', 'GB', 'FR', 'IT', 'BR', 'AR', 'CN', 'IN', 'MX', 'CA', 'AU'];

describe('phones in SQL agree with libphonenumber-js', () => {
  it('the sample exports\' phones (Bitrix24, amoCRM, HubSpot): every one answered in SQL is the library\'s answer', async () => {
    const files = (JSON.parse(readFileSync(join(SAMPLE_DIR, 'manifest.json'), 'utf8')) as { files: { path: string; source: string; entity: string }[] }).files;
    for (const f of files.filter((x) => ['contacts', 'leads'].includes(x.entity))) await importFile(db, { file: join(SAMPLE_DIR, f.path), source: f.source });
    const phones = await db.all<{ raw: string }>('SELECT DISTINCT unnest(phones) AS raw FROM (SELECT phones FROM contacts UNION ALL SELECT phones FROM leads)');
    expect(phones.length).toBeGreaterThan(150);
    const r = await compare(phones.map((p) => [p.raw, 'RU']));
    expect(r.wrong).toEqual([]);
    // The planted bad phones ('12-34', …) are the library's to reject; the rest are ordinary and answered in SQL.
    expect(r.bySql / r.total).toBeGreaterThan(0.9);
  });

  it('every country\'s example number as E.164, international, national, with the calling code but no +, with an IDD prefix', async () => {
    const countries = getCountries().filter((c) => (examples as Record<string, string>)[c]);
    const all: Compared = { total: 0, bySql: 0, wrong: [] };
    // In batches of 24 countries, every calling code and region of a batch in the SQL (crmq keeps the 24 most frequent).
    for (let i = 0; i < countries.length; i += 24) {
      const phones: [string, string][] = [];
      for (const country of countries.slice(i, i + 24)) {
        const national = (examples as Record<string, string>)[country];
        const cc = getCountryCallingCode(country);
        const p = parsePhoneNumberFromString(`+${cc}${national}`)!;
        for (const region of [country, 'RU']) {
          phones.push([`+${cc}${national}`, region], [`+${cc} ${national}`, region], [p.formatInternational(), region], [`${cc}${national}`, region], [`00${cc}${national}`, region], [`810 ${cc} ${national}`, region]);
        }
        phones.push([p.formatNational(), country], [national, country], [p.formatNational().replace(/\s/g, '-'), country], [`0${national}`, country], [`8${national}`, country]);
      }
      const r = await compare(phones, 64);
      all.total += r.total;
      all.bySql += r.bySql;
      all.wrong.push(...r.wrong);
    }
    expect(all.wrong).toEqual([]);
    expect(countries.length).toBeGreaterThan(200);
    expect(all.bySql / all.total).toBeGreaterThan(0.5);
  });

  it('Russian and Kazakh numbers in every style, valid and not, and random digit strings in 16 regions', async () => {
    const r = rng(17);
    const phones: [string, string][] = [];
    const starts = ['9', '49', '3', '8', '7', '1', '2', '5', '6', '0', '80', '800', '70', '77', '33'];
    for (let i = 0; i < 6000; i++) {
      const start = r.pick(starts);
      const ten = (start + String(r.int(0, 1e10 - 1)).padStart(10, '0')).slice(0, 10);
      phones.push([ruPhoneStyle(ten, i), r.pick(['RU', 'RU', 'KZ', 'BY', 'DE'])]);
    }
    const punct = ['', ' ', '-', '.', ' - ', '(', ')'];
    for (let i = 0; i < 6000; i++) {
      const digits = String(r.int(0, 1e9)).padStart(9, '0') + String(r.int(0, 1e8)).slice(0, r.int(0, 8));
      let s = r.chance(0.4) ? '+' : r.chance(0.2) ? '(' : '';
      for (const ch of digits) s += ch + (r.chance(0.25) ? r.pick(punct) : '');
      phones.push([s, r.pick(REGIONS)]);
    }
    const tricky = [
      '+7 (916) 123-45-67', '8 (916) 123-45-67', '89161234567', '+79161234567', '7 916 123 45 67', '79161234567', '9161234567', '(+7) 916 1234567',
      '+7 (0) 916 123 45 67', '+7 8 916 123 45 67', '8-800-555-35-35', '+7 800 555 35 35', '8 10 49 30 1234567', '810 49 30 1234567', '+7 701 123 4567',
      '8 701 123 45 67', '+7 495 123-45-67', '8 (495) 123-45-67', '+0 123 456', '+1 800 555 0100', '+1 (212) 555-0100', '1 212 555 0100', '+800 1234 5678',
      '+882 1234 5678', '+44 (0)20 7946 0958', '+44 20 7946 0958', '020 7946 0958', '+49 (0)30 1234567', '+49 30 1234567', '030 1234567', '0049 30 1234567',
      '+380 44 123 4567', '044 123 4567', '+375 29 123 45 67', '8 029 123 45 67', '+39 06 1234 5678', '06 1234 5678', '+54 9 11 1234-5678', '011 15-1234-5678',
      '+55 11 91234-5678', '(11) 91234-5678', '0 21 11 91234-5678', '+86 138 0013 8000', '+91 98765 43210', '+33 1 23 45 67 89', '01 23 45 67 89',
      '  +7 916 123 45 67  ', '+7.916.123.45.67', '+7916123456', '+791612345678', '8916123456', '+', '8', '12-34', '+7 916 123 45 67 доб. 12', '+7 916 123 45 67 ext 5',
    ];
    for (const t of tricky) for (const region of REGIONS) phones.push([t, region]);
    const res = await compare(phones);
    expect(res.wrong).toEqual([]);
    // The common shapes do not fall through to the library: each of the five Russian styles of a valid mobile is answered in SQL.
    const styles = [0, 1, 2, 3, 4].map((s): [string, string] => [ruPhoneStyle('9161234567', s), 'RU']);
    expect((await compare(styles)).bySql).toBe(5);
  });
});
