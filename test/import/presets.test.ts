// Each preset against files shaped like that CRM's real export: headers, encoding, delimiter and date quirks.
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, query, tmp, write } from '../helpers.js';

const dir = tmp();
let n = 0;

async function load(file: string, ...args: string[]) {
  const db = join(dir, `p${++n}.duckdb`);
  const r = await cli('import', file, '--source', 'src', '--db', db, '--format', 'json', ...args);
  if (r.code === 2) throw new Error(r.stderr);
  return { db, result: JSON.parse(r.stdout)[0], code: r.code };
}

describe('HubSpot', () => {
  it('UI export of contacts (labels, ISO datetimes)', async () => {
    const f = write(dir, 'hubspot-crm-exports-all-contacts-2026-11-20.csv',
      'Record ID,First Name,Last Name,Email,Phone Number,Contact owner,Create Date,Lifecycle Stage,Company Name\n' +
      '51001,Anna,Berg,Anna.Berg@Globex.com,+49 30 1234567,Jana Berger,2026-03-02 10:15,lead,Globex GmbH\n');
    const { db, result } = await load(f);
    expect(result).toMatchObject({ preset: 'hubspot', entity: 'contacts', rowsLoaded: 1 });
    expect(await query(db, `SELECT source_id, full_name, email, phone, owner, lifecycle_stage, company_name, strftime(created_at, '%Y-%m-%d %H:%M') AS c FROM contacts`)).toEqual([
      { source_id: '51001', full_name: 'Anna Berg', email: 'anna.berg@globex.com', phone: '+49 30 1234567', owner: 'Jana Berger', lifecycle_stage: 'lead', company_name: 'Globex GmbH', c: '2026-03-02 10:15' },
    ]);
  });

  it('deals export with amounts and stages; won/lost status from the stage', async () => {
    const f = write(dir, 'hubspot-crm-exports-all-deals.csv',
      'Record ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date,Create Date,Deal owner\n' +
      '9001,Expansion,Closed Won,Sales Pipeline,"1,250.50",2026-05-01,2026-04-01 09:00,Tom Walker\n9002,Renewal,Contract Sent,Sales Pipeline,300,,2026-04-02 09:00,Tom Walker\n');
    const { db, result } = await load(f, '--currency', 'EUR');
    expect(result).toMatchObject({ preset: 'hubspot', entity: 'deals' });
    expect(await query(db, 'SELECT source_id, amount, currency, stage, status FROM deals ORDER BY 1')).toEqual([
      { source_id: '9001', amount: 1250.5, currency: 'EUR', stage: 'Closed Won', status: 'won' },
      { source_id: '9002', amount: 300, currency: 'EUR', stage: 'Contract Sent', status: 'open' },
    ]);
  });

  it('saved API JSON (results[] with properties)', async () => {
    const f = write(dir, 'hs.json', JSON.stringify({
      results: [{ id: '101', properties: { firstname: 'Lena', lastname: 'Koch', email: 'lena@koch.de', createdate: '2026-01-05T08:00:00.000Z', hs_object_id: '101' }, archived: false }],
      paging: { next: { after: '102' } },
    }));
    const { db, result } = await load(f);
    expect(result).toMatchObject({ preset: 'hubspot', entity: 'contacts', rowsLoaded: 1 });
    expect(await query(db, `SELECT source_id, full_name, strftime(created_at, '%Y-%m-%d %H:%M') AS c FROM contacts`)).toEqual([{ source_id: '101', full_name: 'Lena Koch', c: '2026-01-05 08:00' }]);
  });
});

describe('Salesforce', () => {
  it('Data Loader CSV with API names and ISO-8601 UTC datetimes', async () => {
    const f = write(dir, 'Opportunity.csv',
      '"Id","Name","AccountId","StageName","Amount","CloseDate","CreatedDate","OwnerId"\n' +
      '"0065g00000AbCdEAAV","Big deal","0015g00000XyZaAAAB","Closed Lost","119373.34","2026-03-01","2026-01-22T21:16:01.000+0000","0055g000001"\n');
    const { db, result } = await load(f);
    expect(result).toMatchObject({ preset: 'salesforce', entity: 'deals' });
    expect(await query(db, `SELECT source_id, title, company_id, amount, status, strftime(created_at, '%Y-%m-%d %H:%M:%S') AS c FROM deals`)).toEqual([
      { source_id: '0065g00000AbCdEAAV', title: 'Big deal', company_id: '0015g00000XyZaAAAB', amount: 119373.34, status: 'lost', c: '2026-01-22 21:16:01' },
    ]);
  });

  it('report export with "Object: Field" labels and a BOM', async () => {
    const f = write(dir, 'report.csv', '\uFEFFAccount: Account Name,Contact: First Name,Contact: Last Name,Contact: Email\nAlpha Dynamics,Amy,Taylor,amy@demo.net\n');
    const { db, result } = await load(f);
    expect(result).toMatchObject({ preset: 'salesforce', entity: 'contacts' });
    expect(await query(db, 'SELECT company_name, full_name, email FROM contacts')).toEqual([{ company_name: 'Alpha Dynamics', full_name: 'Amy Taylor', email: 'amy@demo.net' }]);
  });

  it('REST query JSON (records[] with attributes)', async () => {
    const f = write(dir, 'sf.json', JSON.stringify({
      totalSize: 1, done: true,
      records: [{ attributes: { type: 'Account', url: '/services/data/v60.0/sobjects/Account/001' }, Id: '001xx', Name: 'Edge Communications', Industry: 'Electronics', AnnualRevenue: 139000000 }],
    }));
    const { db, result } = await load(f);
    expect(result).toMatchObject({ preset: 'salesforce', entity: 'companies' });
    expect(await query(db, 'SELECT source_id, name, industry, annual_revenue FROM companies')).toEqual([{ source_id: '001xx', name: 'Edge Communications', industry: 'Electronics', annual_revenue: 139000000 }]);
  });
});

describe('Pipedrive', () => {
  it('deals export with "Deal - " prefixes; won and lost times feed the close date', async () => {
    const f = write(dir, 'deals-export.csv',
      'Deal - ID,Deal - Title,Deal - Value,Deal - Currency,Deal - Stage,Deal - Status,Deal - Owner,Deal - Deal created,Deal - Won time,Deal - Lost time,Deal - Organization\n' +
      '17,Boxes,1500,EUR,Negotiations,won,Tom,2026-02-01 10:00:00,2026-02-20 12:00:00,,Acme\n18,Tape,200,USD,Qualified,lost,Tom,2026-02-02 10:00:00,,2026-02-10 08:00:00,Acme\n');
    const { db, result } = await load(f);
    expect(result).toMatchObject({ preset: 'pipedrive', entity: 'deals' });
    expect(await query(db, `SELECT source_id, amount, currency, status, strftime(closed_at, '%Y-%m-%d') AS closed FROM deals ORDER BY 1`)).toEqual([
      { source_id: '17', amount: 1500, currency: 'EUR', status: 'won', closed: '2026-02-20' },
      { source_id: '18', amount: 200, currency: 'USD', status: 'lost', closed: '2026-02-10' },
    ]);
  });

  it('persons export: every e-mail and phone column kept', async () => {
    const f = write(dir, 'people-export.csv', 'Person - ID,Person - Name,Person - Email - Work,Person - Email - Home,Person - Phone - Work,Person - Organization\n5,Ann Lee,ann@acme.com,ann@home.org,+1 555 0100,Acme\n');
    const { db } = await load(f);
    expect(await query(db, 'SELECT full_name, emails, phone FROM contacts')).toEqual([{ full_name: 'Ann Lee', emails: ['ann@acme.com', 'ann@home.org'], phone: '+1 555 0100' }]);
  });
});

describe('Zoho CRM', () => {
  it('deals export with zcrm_ ids, lookup ids and MM/DD/YYYY dates', async () => {
    const f = write(dir, 'Deals_001.csv',
      'Record Id,Deal Owner,Deal Name,Amount,Stage,Closing Date,Account Name,Account Name.id,Created Time\n' +
      'zcrm_4876876000000333001,Kris Marrier,Benton deal,"2,500.00",Closed Won,03/15/2026,Benton,zcrm_4876876000000320001,03/01/2026 09:15 AM\n');
    const { db, result } = await load(f);
    expect(result).toMatchObject({ preset: 'zoho', entity: 'deals' });
    expect(await query(db, `SELECT source_id, owner, amount, company_id, status, strftime(closed_at, '%Y-%m-%d') AS closed, strftime(created_at, '%Y-%m-%d %H:%M') AS created FROM deals`)).toEqual([
      { source_id: 'zcrm_4876876000000333001', owner: 'Kris Marrier', amount: 2500, company_id: 'zcrm_4876876000000320001', status: 'won', closed: '2026-03-15', created: '2026-03-01 09:15' },
    ]);
  });
});

describe('Bitrix24', () => {
  it('contacts export: Windows-1251, ";", every cell quoted, a trailing ";", Russian labels, DD.MM.YYYY', async () => {
    const text =
      '"ID";"Имя";"Фамилия";"Отчество";"Рабочий телефон";"Мобильный телефон";"Рабочий e-mail";"Компания";"Ответственный";"Дата создания";\r\n' +
      '"12";"Сергей";"Иванов";"Петрович";"+7 (911) 4445566; +7 (000) 344222";"8 912 345-67-89";"ivanov@mail.ru";"ООО «Вектор»";"Мария Белова";"22.03.2026 13:32:57";\r\n';
    const f = write(dir, 'Контакты.csv', iconv.encode(text, 'win1251'));
    const { db, result } = await load(f);
    expect(result).toMatchObject({ preset: 'bitrix24', entity: 'contacts', encoding: 'windows-1251', delimiter: ';', rowsLoaded: 1, rowsRejected: 0 });
    expect(await query(db, `SELECT full_name, middle_name, phones, company_name, owner, strftime(created_at, '%Y-%m-%d %H:%M:%S') AS c FROM contacts`)).toEqual([
      { full_name: 'Сергей Петрович Иванов', middle_name: 'Петрович', phones: ['+7 (911) 4445566', '+7 (000) 344222', '8 912 345-67-89'], company_name: 'ООО «Вектор»', owner: 'Мария Белова', c: '2026-03-22 13:32:57' },
    ]);
  });

  it('import-template field codes (NAME, LAST_NAME, PHONE_WORK) and deal amounts with "Рубль"', async () => {
    const f = write(dir, 'deals.csv', iconv.encode('"ID";"TITLE";"STAGE_ID";"OPPORTUNITY";"CURRENCY_ID";"DATE_CREATE";\r\n"7";"Поставка";"Сделка успешна";"1 500 000,50";"Рубль";"01.02.2026";\r\n', 'win1251'));
    const { db, result } = await load(f, '--preset', 'bitrix24', '--entity', 'deals');
    expect(result.rowsLoaded).toBe(1);
    expect(await query(db, 'SELECT title, amount, currency, status FROM deals')).toEqual([{ title: 'Поставка', amount: 1500000.5, currency: 'RUB', status: 'won' }]);
  });

  it('REST JSON (result[] with PHONE/EMAIL multi-fields)', async () => {
    const f = write(dir, 'b24.json', JSON.stringify({
      result: [{ ID: '5', NAME: 'Ольга', LAST_NAME: 'Крылова', PHONE: [{ ID: '1', VALUE_TYPE: 'WORK', VALUE: '+79120001122', TYPE_ID: 'PHONE' }, { VALUE: '+79120003344' }], EMAIL: [{ VALUE: 'olga@bk.ru' }], DATE_CREATE: '2026-04-01T10:00:00+03:00' }],
      total: 1,
    }));
    const { db, result } = await load(f, '--entity', 'contacts');
    expect(result).toMatchObject({ preset: 'bitrix24', entity: 'contacts' });
    expect(await query(db, `SELECT full_name, phones, email, strftime(created_at, '%Y-%m-%d %H:%M') AS c FROM contacts`)).toEqual([
      { full_name: 'Ольга Крылова', phones: ['+79120001122', '+79120003344'], email: 'olga@bk.ru', c: '2026-04-01 07:00' },
    ]);
  });
});

describe('amoCRM / Kommo', () => {
  it('leads XLSX export: «Бюджет » with a space, repeated «Источник», «не закрыта», real dates', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Сделки');
    ws.addRow(['ID', 'Название сделки', 'Бюджет ', 'Ответственный', 'Дата создания сделки', 'Дата закрытия', 'Этап сделки', 'Воронка', 'Источник', 'utm_source', 'Источник']);
    ws.addRow([27680693, 'Пульты, замеры', 15000, 'Александр', new Date(Date.UTC(2026, 2, 22, 13, 32, 57)), new Date(Date.UTC(2026, 2, 25)), 'Успешно реализовано', 'Продажи', 'Сайт', 'yandex', 'amo']);
    ws.addRow([27680694, 'Открытая', null, 'Олег', new Date(Date.UTC(2026, 2, 23)), 'не закрыта', 'Переговоры', 'Продажи', 'Авито', '', '']);
    const f = join(dir, 'amocrm_export_leads_2026-11-20.xlsx');
    await wb.xlsx.writeFile(f);
    const { db, result } = await load(f);
    expect(result).toMatchObject({ preset: 'amocrm', entity: 'deals', rowsLoaded: 2, unparsed: {} });
    expect(await query(db, `SELECT source_id, title, amount, currency, status, utm_source, strftime(created_at, '%Y-%m-%d %H:%M:%S') AS c, strftime(closed_at, '%Y-%m-%d') AS closed, extra->>'Источник (2)' AS second_source FROM deals ORDER BY 1`)).toEqual([
      { source_id: '27680693', title: 'Пульты, замеры', amount: 15000, currency: 'RUB', status: 'won', utm_source: 'yandex', c: '2026-03-22 13:32:57', closed: '2026-03-25', second_source: 'amo' },
      { source_id: '27680694', title: 'Открытая', amount: null, currency: 'RUB', status: 'open', utm_source: null, c: '2026-03-23 00:00:00', closed: null, second_source: null },
    ]);
  });

  it('API JSON (_embedded.contacts, unix times, custom_fields_values for phone and e-mail)', async () => {
    const f = write(dir, 'amo.json', JSON.stringify({
      _page: 1, _links: { self: { href: 'https://x.amocrm.ru/api/v4/contacts' } },
      _embedded: { contacts: [{ id: 3, name: 'Иван Петров', first_name: 'Иван', last_name: 'Петров', responsible_user_id: 504141, created_at: 1767225600,
        custom_fields_values: [{ field_id: 1, field_name: 'Телефон', field_code: 'PHONE', values: [{ value: '+7 912 111-22-33', enum_code: 'WORK' }] }, { field_code: 'EMAIL', values: [{ value: 'ivan@petrov.ru' }] }] }] },
    }));
    const { db, result } = await load(f);
    expect(result).toMatchObject({ preset: 'amocrm', entity: 'contacts' });
    expect(await query(db, `SELECT full_name, phone, email, strftime(created_at, '%Y-%m-%d') AS c FROM contacts`)).toEqual([{ full_name: 'Иван Петров', phone: '+7 912 111-22-33', email: 'ivan@petrov.ru', c: '2026-01-01' }]);
  });
});

describe('generic preset with a mapping file', () => {
  it('maps any CSV onto the model, with its own currency and date order', async () => {
    const f = write(dir, 'erp.csv', 'Номер|Клиент|Сумма|Дата\nA-1|ООО Ромашка|100,5|02.03.2026\n');
    const m = write(dir, 'erp.yaml', 'entity: invoices\nid: Номер\ncolumns:\n  Клиент: company_id\n  Сумма: amount\n  Дата: issued_at\ncurrency: RUB\n');
    const { db, result } = await load(f, '--mapping', m);
    expect(result).toMatchObject({ preset: 'generic', entity: 'invoices', delimiter: '|' });
    expect(await query(db, `SELECT source_id, company_id, amount, currency, strftime(issued_at, '%Y-%m-%d') AS d FROM invoices`)).toEqual([
      { source_id: 'A-1', company_id: 'ООО Ромашка', amount: 100.5, currency: 'RUB', d: '2026-03-02' },
    ]);
  });
});

describe('API records: links, lists, statuses and fields a CRM writes its own way', () => {
  it('amoCRM: the main contact and the first company become links, every contact, company and tag is kept whole; 142/143 are won/lost', async () => {
    const lead = (id: number, status: number) => ({
      id, name: `Сделка ${id}`, price: 1000, status_id: status, pipeline_id: 3104455, created_at: 1767225600, updated_at: 1767225600,
      _embedded: {
        tags: [{ id: 1, name: 'VIP', color: null }, { id: 2, name: 'опт', color: null }],
        contacts: [{ id: 11, is_main: false, _links: { self: { href: 'x' } } }, { id: 12, is_main: true }],
        companies: [{ id: 21 }, { id: 22 }],
      },
    });
    const f = write(dir, 'amo-leads.json', JSON.stringify({ _embedded: { leads: [lead(1, 142), lead(2, 143), lead(3, 3104458)] } }));
    const { db, result } = await load(f);
    expect(result).toMatchObject({ preset: 'amocrm', entity: 'deals', rowsLoaded: 3 });
    expect(await query(db, `SELECT source_id, status, contact_id, company_id, tags, extra->'$."_embedded.contacts"' AS contacts, extra->'$."_embedded.companies"' AS companies, extra->'$."_embedded.tags"' AS all_tags FROM deals ORDER BY 1`)).toEqual(
      [['1', 'won'], ['2', 'lost'], ['3', 'open']].map(([id, status]) => ({
        source_id: id, status, contact_id: '12', company_id: '21', tags: 'VIP, опт',
        contacts: JSON.stringify([{ id: 11, is_main: false }, { id: 12, is_main: true }]), companies: JSON.stringify([{ id: 21 }, { id: 22 }]),
        all_tags: JSON.stringify([{ id: 1, name: 'VIP', color: null }, { id: 2, name: 'опт', color: null }]),
      })),
    );
  });

  it('amoCRM: a contact\'s company, POSITION as title, several phones, and custom fields by name and id (lists kept as lists)', async () => {
    const f = write(dir, 'amo-contacts.json', JSON.stringify({ _embedded: { contacts: [{
      id: 7, name: 'Анна Смирнова', first_name: 'Анна', last_name: 'Смирнова', created_at: 1767225600,
      custom_fields_values: [
        { field_id: 3, field_name: 'Должность', field_code: 'POSITION', field_type: 'text', values: [{ value: 'Главный бухгалтер' }] },
        { field_id: 1, field_name: 'Телефон', field_code: 'PHONE', values: [{ value: '+7 912 000-00-01', enum_code: 'WORK' }, { value: '8 (800) 555-35-35, доб. 123', enum_code: 'MOB' }] },
        { field_id: 9001, field_name: 'Интересы', field_code: null, field_type: 'multiselect', values: [{ value: 'Окна', enum_id: 1 }, { value: 'Двери', enum_id: 2 }] },
        { field_id: 9002, field_name: 'Скидка', field_code: null, field_type: 'numeric', values: [{ value: '5' }] },
      ],
      _embedded: { tags: [], companies: [{ id: 555, _links: { self: { href: 'x' } } }] },
    }] } }));
    const { db } = await load(f);
    expect(await query(db, `SELECT title, company_id, phones, extra->'$."Интересы [9001]"' AS interests, extra->>'$."Скидка [9002]"' AS discount FROM contacts`)).toEqual([
      { title: 'Главный бухгалтер', company_id: '555', phones: ['+7 912 000-00-01', '8 (800) 555-35-35 доб. 123'], interests: '["Окна","Двери"]', discount: '5' },
    ]);
  });

  it('Bitrix24: ADDRESS_CITY is the city; a "0" link (no company, no owner) is NULL', async () => {
    const f = write(dir, 'b24-contacts.json', JSON.stringify({ result: [
      { ID: '1', NAME: 'Ольга', LAST_NAME: 'Крылова', ADDRESS_CITY: 'Казань', ADDRESS_COUNTRY: 'Россия', COMPANY_ID: '0', ASSIGNED_BY_ID: '0' },
      { ID: '2', NAME: 'Иван', LAST_NAME: 'Орлов', ADDRESS_CITY: 'Пермь', COMPANY_ID: '12', ASSIGNED_BY_ID: '3' },
    ] }));
    const { db } = await load(f, '--entity', 'contacts');
    expect(await query(db, 'SELECT source_id, city, country, company_id, owner FROM contacts ORDER BY 1')).toEqual([
      { source_id: '1', city: 'Казань', country: 'Россия', company_id: null, owner: null },
      { source_id: '2', city: 'Пермь', country: null, company_id: '12', owner: '3' },
    ]);
  });

  it('HubSpot: hs_deal_stage_probability 0–1 becomes percent; associated contacts and companies become links, all ids kept', async () => {
    const f = write(dir, 'hs-deals.json', JSON.stringify({ results: [{
      id: '9', properties: { dealname: 'Renewal', dealstage: 'contractsent', hs_deal_stage_probability: '0.9', amount: '100', hs_object_id: '9' },
      associations: { contacts: { results: [{ id: '101', type: 'deal_to_contact' }, { id: '102', type: 'deal_to_contact' }] }, companies: { results: [{ id: '201', type: 'deal_to_company' }] } },
    }] }));
    const { db } = await load(f);
    expect(await query(db, `SELECT probability, contact_id, company_id, extra->'$."associations.contacts"' AS contacts FROM deals`)).toEqual([
      { probability: 90, contact_id: '101', company_id: '201', contacts: '["101","102"]' },
    ]);
  });
});

describe('a phone with an extension stays one phone', () => {
  const cases: [string, string, string][] = [
    ['hubspot', 'Record ID,First Name,Phone Number\n1,Ann,"+1 212 555 0100, ext. 12"\n', '+1 212 555 0100 ext. 12'],
    ['salesforce', 'Id,FirstName,LastName,Phone\n003x,Ann,Lee,"+1 212 555 0100, x123"\n', '+1 212 555 0100 x123'],
    ['pipedrive', 'Person - ID,Person - Name,Person - Phone - Work\n5,Ann Lee,"+44 20 7946 0958, ext 7"\n', '+44 20 7946 0958 ext 7'],
    ["zoho", "Record Id,First Name,Last Name,Phone,Contact Owner\nzcrm_1,Ann,Lee,\"+1 212 555 0100, x 9\",Kris\n", '+1 212 555 0100 x 9'],
    ['bitrix24', '"ID";"Имя";"Фамилия";"Рабочий телефон";"Тип контакта";\n"1";"Олег";"Иванов";"8 (800) 555-35-35, доб. 123; +7 912 000-00-01";"Клиент";\n', '8 (800) 555-35-35 доб. 123'],
    ['amocrm', 'ID,Полное имя контакта,Рабочий телефон,Дата создания контакта\n1,Олег Иванов,"8 (800) 555-35-35, доб. 123",01.02.2026\n', '8 (800) 555-35-35 доб. 123'],
  ];
  it.each(cases)('%s', async (preset, csv, want) => {
    const f = write(dir, `ext-${preset}.csv`, csv);
    const { db } = await load(f, '--preset', preset, '--entity', 'contacts');
    const [row] = await query<{ phones: string[] }>(db, 'SELECT phones FROM contacts ORDER BY source_id LIMIT 1');
    expect(row.phones[0]).toBe(want);
    expect(row.phones.filter((p) => /^\D*\d{1,4}\D*$/.test(p))).toEqual([]); // no extension on its own
  });
});

describe('custom fields', () => {
  it('are kept in extra by API name (with the label where the API gives it), and a mapping file promotes one to a canonical column', async () => {
    const f = write(dir, 'amo-custom.json', JSON.stringify({ _embedded: { contacts: [{
      id: 8, name: 'Пётр Орлов', created_at: 1767225600,
      custom_fields_values: [{ field_id: 9101, field_name: 'Город доставки', field_code: null, values: [{ value: 'Тверь' }] }, { field_id: 9102, field_name: 'Канал', field_code: null, values: [{ value: 'Авито' }] }],
    }] } }));
    const plain = await load(f);
    expect(await query(plain.db, `SELECT city, extra->>'$."Город доставки [9101]"' AS city_extra FROM contacts`)).toEqual([{ city: null, city_extra: 'Тверь' }]);
    // Promoted by its API name (the field id) or by its label.
    const m = write(dir, 'amo-custom.yaml', 'entity: contacts\ncolumns:\n  "9101": city\n  Канал: channel\n');
    const promoted = await load(f, '--preset', 'amocrm', '--mapping', m);
    expect(await query(promoted.db, `SELECT city, channel, extra->>'$."Город доставки [9101]"' AS city_extra FROM contacts`)).toEqual([{ city: 'Тверь', channel: 'Авито', city_extra: null }]);
  });
});
