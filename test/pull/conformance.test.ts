// Conformance against the vendors' own published examples (fixtures/api/vendor, PROVENANCE.md names each source):
// each body is replayed by a loopback server to `crmq pull`, and every field of the example record is accounted
// for: mapped to the canonical column the model has for it (with the value checked), or kept whole in `extra`
// under its own name (arrays as arrays). Nulls and empty lists carry no value and are not stored.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/database.js';
import { pull } from '../../src/pull/pull.js';
import { ROOT, tmp } from '../helpers.js';

const dir = tmp();
const vendor = (f: string) => JSON.parse(readFileSync(join(ROOT, 'fixtures/api/vendor', f), 'utf8')) as Record<string, unknown>;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every field of a record as a dotted path → value; arrays are one value, whole. */
function leaves(o: Obj, prefix = '', out: [string, unknown][] = []): [string, unknown][] {
  for (const [k, v] of Object.entries(o)) {
    if (isObj(v)) leaves(v, `${prefix}${k}.`, out);
    else out.push([`${prefix}${k}`, v]);
  }
  return out;
}

interface Suite {
  crm: string;
  entity: string;
  table: string;
  record: Obj;
  env: (url: string) => Record<string, string>;
  answer: (req: IncomingMessage, n: number) => { status: number; body?: unknown };
  /** Vendor field → [canonical column, value expected there]. */
  mapped: Record<string, [string, unknown]>;
  /** Vendor fields stored in extra under another key (custom fields with their label), with the value there. */
  renamed?: Record<string, [string, unknown]>;
  /** Fields that are envelope, not data (links to the record itself, the object type). */
  envelope?: string[];
}

const b24Contact = vendor('bitrix24/crm.contact.get.json');
const b24Deal = vendor('bitrix24/crm.deal.get.json');
const zoho = vendor('zoho/getRecords-response-200-leads.json');
const sf = vendor('salesforce/query-response.json');
const amo = vendor('amocrm/contact-get.json');
const listOf = (get: Obj) => ({ result: [get.result], total: 1, time: get.time });

const SUITES: Suite[] = [
  {
    crm: 'bitrix24', entity: 'contacts', table: 'contacts', record: b24Contact.result as Obj,
    env: (url) => ({ BITRIX24_WEBHOOK_URL: `${url}/rest/1/k3y/` }),
    answer: (req) => (req.url?.includes('crm.contact.list') ? { status: 200, body: listOf(b24Contact) } : { status: 404, body: { error: 'ERROR_METHOD_NOT_FOUND' } }),
    mapped: {
      ID: ['source_id', '43'], POST: ['title', 'Administrator'], NAME: ['first_name', 'John'], SECOND_NAME: ['middle_name', 'Doe'], LAST_NAME: ['last_name', 'Smith'],
      TYPE_ID: ['lifecycle_stage', 'PARTNER'], SOURCE_ID: ['channel', 'WEB'], COMPANY_ID: ['company_id', '12'], ASSIGNED_BY_ID: ['owner', '6'],
      DATE_CREATE: ['created_at', '2024-08-15 08:38:21'], DATE_MODIFY: ['updated_at', '2024-08-15 08:38:21'],
      UTM_SOURCE: ['utm_source', 'google'], UTM_MEDIUM: ['utm_medium', 'CPC'], UTM_CAMPAIGN: ['utm_campaign', 'summer_sale'], UTM_CONTENT: ['utm_content', 'header_banner'], UTM_TERM: ['utm_term', 'discount'],
      PHONE: ['phones', ['+13333333555', '+15599888666']], EMAIL: ['emails', ['johnsmith@example.mailing', 'johnsmith@example.work']],
      ADDRESS_CITY: ['city', null], ADDRESS_COUNTRY: ['country', null], LEAD_ID: ['', null],
    },
  },
  {
    crm: 'bitrix24', entity: 'deals', table: 'deals', record: b24Deal.result as Obj,
    env: (url) => ({ BITRIX24_WEBHOOK_URL: `${url}/rest/1/k3y/` }),
    answer: (req) => (req.url?.includes('crm.deal.list') ? { status: 200, body: listOf(b24Deal) } : { status: 404, body: { error: 'ERROR_METHOD_NOT_FOUND' } }),
    mapped: {
      ID: ['source_id', '410'], TITLE: ['title', 'New Deal #1'], STAGE_ID: ['stage', 'PREPARATION'], PROBABILITY: ['probability', 99], CURRENCY_ID: ['currency', 'EUR'],
      OPPORTUNITY: ['amount', 1000000], COMPANY_ID: ['company_id', '9'], CONTACT_ID: ['contact_id', '84'], CLOSEDATE: ['expected_close_at', '2024-09-09 00:00:00'],
      ASSIGNED_BY_ID: ['owner', '1'], DATE_CREATE: ['created_at', '2024-08-30 12:29:00'], DATE_MODIFY: ['updated_at', '2024-08-30 12:29:00'],
      CATEGORY_ID: ['pipeline', '0'], STAGE_SEMANTIC_ID: ['status', 'open'], SOURCE_ID: ['channel', 'CALLBACK'], UTM_SOURCE: ['utm_source', 'google'], UTM_MEDIUM: ['utm_medium', 'CPC'],
    },
  },
  {
    crm: 'zoho', entity: 'Leads', table: 'leads', record: (zoho.data as Obj[])[0],
    env: (url) => ({ ZOHO_TOKEN: 'zt0k3n', ZOHO_API_URL: url }),
    answer: (req) => (req.url?.includes('page_token') || req.url?.includes('/deleted') || !req.url?.startsWith('/crm/v8/Leads') ? { status: 204 } : { status: 200, body: zoho }),
    mapped: {
      id: ['source_id', '4150868000000002175'], 'Owner.name': ['owner', 'Patricia Boyle'], Company: ['company_name', 'Zylker Corp'], First_Name: ['first_name', 'John'],
      Last_Name: ['last_name', 'Doe'], Email: ['email', 'john.doe@zylker.com'], Phone: ['phone', '+1-555-123-4567'], Lead_Status: ['status', 'Not Contacted'],
      Created_Time: ['created_at', '2023-10-15 10:30:00'], Modified_Time: ['updated_at', '2023-10-15 14:20:00'],
    },
  },
  {
    crm: 'salesforce', entity: 'Contact', table: 'contacts', record: (sf.records as Obj[])[0],
    env: (url) => ({ SALESFORCE_TOKEN: 'sft0k3n', SALESFORCE_INSTANCE_URL: url }),
    answer: (req) => (/\/query\?q=SELECT/.test(req.url ?? '') && !/IsDeleted/.test(decodeURIComponent(req.url ?? '')) ? { status: 200, body: sf } : { status: 200, body: { totalSize: 3222, done: true, records: [] } }),
    mapped: { Id: ['source_id', '003RO0000035WQgYAM'], Name: ['full_name', 'John Smith'] },
    envelope: ['attributes.type', 'attributes.url'],
  },
  {
    crm: 'amocrm', entity: 'contacts', table: 'contacts', record: amo,
    env: (url) => ({ AMOCRM_TOKEN: 'at0k3n', AMOCRM_BASE_URL: url }),
    answer: (req) => (req.url?.startsWith('/api/v4/contacts') ? { status: 200, body: { _page: 1, _links: { self: { href: 'x' } }, _embedded: { contacts: [amo] } } } : { status: 204 }),
    mapped: {
      id: ['source_id', '403181'], name: ['full_name', 'Иван Иванов'], first_name: ['first_name', 'Иван'], last_name: ['last_name', 'Иванов'], responsible_user_id: ['owner', '112313'],
      company_id: ['company_id', '40318188'], created_at: ['created_at', '2016-06-08 14:29:03'], updated_at: ['updated_at', '2016-06-08 14:31:34'],
      '_embedded.companies': ['company_id', '40318188'], closest_task_at: ['', null], '_embedded.tags': ['', []],
    },
    renamed: { custom_fields_values: ['Дополнительное значение для примера [1277732]', '415949'] },
    envelope: ['_links.self.href', '_embedded.companies'],
  },
];

async function loopback(answer: Suite['answer']) {
  let n = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const a = answer(req, ++n);
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(a.body === undefined ? '' : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.each(SUITES)('$crm $entity (vendor example)', (s) => {
  it('maps every field the model has a place for and keeps every other one whole in extra', async () => {
    const srv = await loopback(s.answer);
    const db = await openDb(join(dir, `${s.crm}-${s.entity}.duckdb`));
    try {
      await pull(db, { crm: s.crm, source: 'v', entities: [s.entity], env: s.env(srv.url), rate: 1000 });
      const rows = await db.all<Obj>(`SELECT * FROM ${s.table}`);
      expect(rows).toHaveLength(1);
      const row = rows[0];
      const extra = JSON.parse(String(row.extra ?? '{}')) as Obj;
      const inExtra: string[] = [];
      for (const [path, value] of leaves(s.record)) {
        if (s.renamed?.[path]) {
          const [key, want] = s.renamed[path];
          expect(extra[key], `${path} in extra as "${key}"`).toEqual(want);
          inExtra.push(path);
        } else if (s.mapped[path]) {
          const [column, want] = s.mapped[path];
          if (column) expect(row[column], `${path} → ${column}`).toEqual(want);
        } else if (s.envelope?.includes(path) || value === null || (Array.isArray(value) && !value.length)) {
          continue;
        } else {
          expect(extra[path], `${path} kept in extra`).toEqual(Array.isArray(value) ? value : String(value));
          inExtra.push(path);
        }
      }
      const mapped = Object.values(s.mapped).filter(([c]) => c).length;
      console.log(`${s.crm} ${s.entity}: ${mapped} fields mapped, ${inExtra.length} kept in extra`);
      expect(mapped + inExtra.length).toBeGreaterThan(0);
    } finally {
      db.close();
      await srv.close();
    }
  });
});
