// Header-less files (--no-header, --columns), the warning when a header row looks like a record, and the identity
// fields presets and mappings fill: street parts joined, YYYYMMDD dates of birth, unparsable ones kept raw.
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { headerLooksLikeData } from '../../src/import/sniff.js';
import { cli, HAS_SHARED, query, SHARED, tmp, withTestDb, write } from '../helpers.js';

const dir = tmp();
let n = 0;
const freshDb = () => join(dir, `db${++n}.duckdb`);

// Three FEBRL-style records, comma + space separated, no header; the third has a broken date of birth.
const FEBRL = [
  'rec-1-org, liam, berry, 12, learmonth drive, lynden park stud, broken hill, 6014, vic, 19271005, 5315721',
  'rec-1-dup-0, liam, bery, 12, learmonth drive, , broken hill, 6014, vic, 19271005, 5315721',
  'rec-2-org, anita, lutz, 9, adinda street, , bokarina, 3806, qld, 19021332, 9192121',
].join('\n') + '\n';
const COLUMNS = 'id,fname,lname,stNo,add1,add2,city,areacode,state,dob,ssn';
const MAPPING = [
  'entity: contacts', 'id: id', 'columns:', '  fname: first_name', '  lname: last_name', '  stNo: address', '  add1: address', '  add2: address',
  '  city: city', '  areacode: postcode', '  dob: birth_date', '  ssn: national_id',
].join('\n');

describe('header-less files', () => {
  it('--columns names the columns: the first line is a record (row 1), street parts are joined, YYYYMMDD is a date', async () => {
    const db = freshDb();
    const f = write(dir, 'febrl.csv', FEBRL);
    const m = write(dir, 'febrl.yaml', MAPPING);
    const r = await cli('import', f, '--source', 'f', '--mapping', m, '--columns', COLUMNS, '--db', db, '--format', 'json');
    expect(r.code).toBe(0);
    const [res] = JSON.parse(r.stdout);
    expect(res).toMatchObject({ rowsRead: 3, rowsLoaded: 3, rowsRejected: 0, unparsed: { birth_date: 1 } });
    expect(res.headerWarning).toBeUndefined();
    const rows = await query(db, `SELECT source_id, source_line, first_name, address, postcode, CAST(birth_date AS VARCHAR) AS dob, national_id,
      json_extract_string(extra, '$."unparsed.birth_date"') AS raw_dob FROM contacts ORDER BY source_line`);
    expect(rows).toEqual([
      { source_id: 'rec-1-org', source_line: 1, first_name: 'liam', address: '12 learmonth drive lynden park stud', postcode: '6014', dob: '1927-10-05', national_id: '5315721', raw_dob: null },
      { source_id: 'rec-1-dup-0', source_line: 2, first_name: 'liam', address: '12 learmonth drive', postcode: '6014', dob: '1927-10-05', national_id: '5315721', raw_dob: null },
      // 32 December does not exist: no date is made up, the raw text is kept
      { source_id: 'rec-2-org', source_line: 3, first_name: 'anita', address: '9 adinda street', postcode: '3806', dob: null, national_id: '9192121', raw_dob: '19021332' },
    ]);
  });

  it('--no-header alone names the columns "column 1", "column 2", …', async () => {
    const db = freshDb();
    const f = write(dir, 'plain.csv', 'Иван,Петров,ivan@mail.ru\nАнна,Смирнова,anna@mail.ru\n');
    const m = write(dir, 'plain.yaml', 'entity: contacts\ncolumns:\n  column 1: first_name\n  column 2: last_name\n  column 3: email\n');
    expect((await cli('import', f, '--source', 'p', '--mapping', m, '--no-header', '--db', db)).code).toBe(0);
    expect(await query(db, 'SELECT source_line, full_name, email FROM contacts ORDER BY source_line')).toEqual([
      { source_line: 1, full_name: 'Иван Петров', email: 'ivan@mail.ru' },
      { source_line: 2, full_name: 'Анна Смирнова', email: 'anna@mail.ru' },
    ]);
  });

  it('a rejected row keeps its line number in a header-less file', async () => {
    const db = freshDb();
    const f = write(dir, 'ragged.csv', 'a,b\nc,d,e\nf,g\n');
    const r = await cli('import', f, '--source', 'r', '--entity', 'contacts', '--columns', 'first_name,last_name', '--db', db);
    expect(r.code).toBe(1);
    expect(await query(db, 'SELECT line FROM rejects')).toEqual([{ line: 2 }]);
    expect(await query(db, 'SELECT source_line, first_name FROM contacts ORDER BY 1')).toEqual([{ source_line: 1, first_name: 'a' }, { source_line: 3, first_name: 'f' }]);
  });

  it('--columns of the wrong length, and --no-header on an XLSX, are one-line errors', async () => {
    const f = write(dir, 'two.csv', 'a,b\nc,d\n');
    const r = await cli('import', f, '--source', 'x', '--entity', 'contacts', '--columns', 'first_name', '--db', freshDb());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--columns names 1 columns but the first record has 2/);
    const x = await cli('import', write(dir, 'book.xlsx', 'not really'), '--source', 'x', '--no-header', '--db', freshDb());
    expect(x.code).toBe(2);
    expect(x.stderr).toMatch(/--no-header and --columns are for CSV\/text files/);
  });
});

describe('a header row that looks like data', () => {
  it.each([
    [['rec-7880-org', 'liam', 'berry', '12', 'learmonth drive', '6014'], ['rec-7880-org', '12', '6014']],
    [['Иван', 'Петров', 'ivan@mail.ru'], ['ivan@mail.ru']],
    [['Anna', '+7 912 345-67-89'], ['+7 912 345-67-89']],
    [['x', '19.03.2024'], ['19.03.2024']],
  ])('%j is flagged (%j)', (header, hits) => expect(headerLooksLikeData(header)).toEqual(hits));

  it.each([[['Record ID', 'First Name', 'Email', 'Phone Number']], [['ID', 'Имя', 'Рабочий e-mail']], [['Year', '2024']]])('%j is a header', (header) => {
    expect(headerLooksLikeData(header)).toEqual([]);
  });

  it('is warned about on import, and the fix is named', async () => {
    const db = freshDb();
    const f = write(dir, 'nohead.csv', FEBRL);
    const r = await cli('import', f, '--source', 'n', '--mapping', write(dir, 'm2.yaml', MAPPING), '--db', db);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning: the header row looks like a record \("rec-1-org", "12", "6014"\); .*--no-header/);
    const [w] = await query<{ h: string }>(db, `SELECT json_extract_string(warnings, '$.header') AS h FROM imports`);
    expect(w.h).toMatch(/looks like a record/);
  });
});

describe('identity fields in an older database', () => {
  it('a database made before the identity fields gains their columns when opened', async () => {
    const db = freshDb();
    const inst = await DuckDBInstance.create(db);
    const c = await inst.connect();
    await c.run('CREATE TABLE contacts (source VARCHAR NOT NULL, source_id VARCHAR NOT NULL, import_id BIGINT NOT NULL, source_line BIGINT, first_name VARCHAR, extra JSON)');
    await c.run(`INSERT INTO contacts VALUES ('old', '1', 1, 2, 'Anna', NULL)`);
    c.closeSync();
    inst.closeSync();
    const rows = await withTestDb(db, (x) => x.all('SELECT source_id, first_name, birth_date, national_id, address, postcode FROM contacts')); // a writable open adds them
    expect(rows).toEqual([{ source_id: '1', first_name: 'Anna', birth_date: null, national_id: null, address: null, postcode: null }]);
  });
});

describe('presets fill the identity fields', () => {
  it.skipIf(!HAS_SHARED)('Salesforce accounts (apex-recipes sample): billing street and postal code, as the file has them', async () => {
    const file = join(SHARED, 'samples/salesforce/apex-recipes__Accounts.csv');
    const db = freshDb();
    expect((await cli('import', file, '--source', 'sf', '--db', db)).code).toBe(0);
    const want = (parse(readFileSync(file), { columns: true }) as Record<string, string>[]).map((r) => ({ name: r.name, address: r.billingstreet || null, postcode: r.billingpostalcode || null }));
    expect(await query(db, 'SELECT name, address, postcode FROM companies ORDER BY source_line')).toEqual(want);
  });

  it('Bitrix24 contacts and companies: date of birth, address, ИНН, КПП, ОГРН', async () => {
    const db = freshDb();
    const contacts = write(dir, 'b24-contacts.csv', 'ID;Имя;Фамилия;Отчество;Тип контакта;Дата рождения;Адрес;Почтовый индекс\n1;Фёдор;Захаров;Ильич;Клиент;14.02.1985;ул. Ленина, 5;620014\n');
    const companies = write(dir, 'b24-companies.csv', 'ID;Название компании;Тип компании;ИНН;КПП;ОГРН;Адрес\n7;ООО «Вектор»;Клиент;7707083893;770701001;1027700132195;Москва, ул. Вавилова, 19\n');
    expect((await cli('import', contacts, companies, '--source', 'b24', '--db', db)).code).toBe(0);
    expect(await query(db, `SELECT CAST(birth_date AS VARCHAR) AS birth_date, address, postcode FROM contacts`)).toEqual([{ birth_date: '1985-02-14', address: 'ул. Ленина, 5', postcode: '620014' }]);
    expect(await query(db, `SELECT inn, kpp, ogrn, address FROM companies`)).toEqual([{ inn: '7707083893', kpp: '770701001', ogrn: '1027700132195', address: 'Москва, ул. Вавилова, 19' }]);
  });
});
