// Salesforce and Zoho return only the fields a request names: crmq asks for every field the object's describe
// (Salesforce) or the module's field metadata (Zoho) lists, custom ones too, within each API's request limits;
// Pipedrive sends custom fields under 40-character keys that its field lists name. Custom fields are kept in extra
// as "Label [api_name]"; a mapping file promotes one to a canonical column.
import { describe, expect, it } from 'vitest';
import { envFor, startCrm, storeFor } from '../../fixtures/api/index.js';
import { PIPEDRIVE_COLOR_KEY } from '../../fixtures/api/pipedrive.js';
import { openDb } from '../../src/db/database.js';
import { pull } from '../../src/pull/pull.js';
import { tmp, write } from '../helpers.js';

const dir = tmp();
const COLOR = ['teal', 'amber', 'plum'];
const TOKEN = 't0k3n-custom';

// requests: a full pull of 50 records in pages of 20: the field list, 3 pages, the deletion listing where there is one.
const CASES = [
  { crm: 'salesforce', entity: 'Contact', custom: 'Favorite_Color__c', setup: /\/sobjects\/Contact\/describe$/, requests: 5 },
  { crm: 'zoho', entity: 'Contacts', custom: 'Favorite_Color', setup: /\/settings\/fields\?module=Contacts$/, requests: 5 },
  { crm: 'pipedrive', entity: 'persons', custom: PIPEDRIVE_COLOR_KEY, setup: /\/api\/v2\/personFields\?/, requests: 4 },
];

async function rig(crm: string, entity: string, n: number, o: { pageSize?: number; customFields?: number } = {}) {
  const store = storeFor(crm, { [entity]: n });
  const em = await startCrm(crm, { token: TOKEN, store, pageSize: o.pageSize, state: { customFields: o.customFields ?? 0 } });
  const db = await openDb(`${dir}/${crm}-${Math.random().toString(36).slice(2)}.duckdb`);
  return {
    store, em, db,
    run: (extra: { mappings?: string[] } = {}) => pull(db, { crm, source: 's', entities: [entity], env: envFor(crm, em.url, TOKEN), rate: 1000, ...extra }),
    close: async () => {
      db.close();
      await em.close();
    },
  };
}

describe.each(CASES)('$crm custom fields', ({ crm, entity, custom, setup, requests }) => {
  const key = `Favorite color [${custom}]`;

  it('are asked for (the field list read once per pull) and kept in extra by label and API name, in full and incremental pulls', async () => {
    const r = await rig(crm, entity, 50, { pageSize: 20 });
    try {
      await r.run();
      expect(r.em.log.filter((l) => setup.test(l))).toHaveLength(1);
      expect(r.em.requests).toBe(requests);
      const ids = r.store.touch(entity, 5);
      const [inc] = await r.run();
      expect(inc.mode).toBe('incremental');
      expect(r.em.log.filter((l) => setup.test(l))).toHaveLength(2); // once more for the new pull
      const rows = await r.db.all<{ id: string; color: string | null }>(`SELECT source_id AS id, extra->>'$."${key}"' AS color FROM contacts ORDER BY source_id`);
      expect(rows).toHaveLength(50);
      for (const row of rows) expect(row.color).toBe(COLOR[Number(row.id.slice(-8)) % 3]);
      const changed = await r.db.all<{ n: number }>(`SELECT count(*) AS n FROM contacts WHERE last_name LIKE '%-Changed' AND (extra->>'$."${key}"') IS NOT NULL`);
      expect(changed[0].n).toBe(ids.length);
    } finally {
      await r.close();
    }
  });

  it('a mapping file promotes one to a canonical column, by API name or by label', async () => {
    for (const name of [custom, 'Favorite color']) {
      const r = await rig(crm, entity, 6);
      try {
        const m = write(dir, `${crm}-map.yaml`, `entity: contacts\ncolumns:\n  "${name}": tags\n`);
        await r.run({ mappings: [m] });
        const rows = await r.db.all<{ tags: string; kept: string | null }>(`SELECT tags, extra->>'$."${key}"' AS kept FROM contacts ORDER BY source_id`);
        expect(rows.map((x) => x.tags)).toEqual(r.store.list(entity).map((x) => COLOR[x.id % 3]));
        expect(rows.every((x) => x.kept === null)).toBe(true);
        const [imp] = await r.db.all<{ preset: string }>(`SELECT DISTINCT preset FROM imports`);
        expect(imp.preset).toBe(`${crm}+mapping`);
      } finally {
        await r.close();
      }
    }
  });

  it('a mapping file must name one of the tables the pull loads', async () => {
    const r = await rig(crm, entity, 1);
    try {
      const deals = write(dir, 'deals-map.yaml', 'entity: deals\ncolumns:\n  Favorite_Color: tags\n');
      await expect(r.run({ mappings: [deals] })).rejects.toThrow(/entity deals is not among the tables this pull loads \(contacts\)/);
      const none = write(dir, 'no-entity.yaml', 'columns:\n  Favorite_Color: tags\n');
      await expect(r.run({ mappings: [none] })).rejects.toThrow(/say which table it maps/);
      expect(r.em.requests).toBe(0);
    } finally {
      await r.close();
    }
  });
});

describe('an org with many custom fields', () => {
  it('Salesforce: a query too long for a URL goes in a Composite request; every field of every record arrives', async () => {
    // 300 custom fields: the SOQL is ~9,000 characters encoded, over the 2,000 Salesforce recommends for a URI.
    const r = await rig('salesforce', 'Contact', 45, { pageSize: 20, customFields: 300 });
    try {
      await r.run();
      // describe, the first page in a Composite request, pages 2 and 3 by their short locator URLs, the deletion listing.
      expect(r.em.log.map((l) => l.replace(/\?.*/, '').replace(/\/query\/[\w-]+$/, '/query/<locator>'))).toEqual([
        'GET /services/data/v62.0/sobjects/Contact/describe', 'POST /services/data/v62.0/composite',
        'GET /services/data/v62.0/query/<locator>', 'GET /services/data/v62.0/query/<locator>', 'GET /services/data/v62.0/queryAll',
      ]);
      expect(Math.max(...r.em.log.map((l) => l.length))).toBeLessThanOrEqual(2000 + 'GET '.length);
      const rows = await r.db.all<{ extra: string }>(`SELECT extra FROM contacts`);
      expect(rows).toHaveLength(45);
      for (const row of rows) expect(Object.keys(JSON.parse(row.extra)).filter((k) => /__c\]$/.test(k))).toHaveLength(301);
      const [one] = await r.db.all<{ v: string; id: string }>(`SELECT source_id AS id, extra->>'$."Custom field 300 [Custom_Field_300__c]"' AS v FROM contacts LIMIT 1`);
      expect(one.v).toBe(`300-${Number(one.id.slice(3))}`);
    } finally {
      await r.close();
    }
  });

  it('Zoho: at most 50 fields per request, the rest fetched for each page by id (100 per request) and merged', async () => {
    // 10 standard + 121 custom fields = 131: 3 requests' worth (50 + 50 + 31). 250 records: pages of 200 and 50.
    const r = await rig('zoho', 'Contacts', 250, { customFields: 120 });
    try {
      const [res] = await r.run();
      expect(res.records).toBe(250);
      const gets = r.em.log.map((l) => new URL(l.slice(l.indexOf(' ') + 1), 'http://x'));
      const fieldsPer = gets.filter((u) => u.searchParams.has('fields')).map((u) => u.searchParams.get('fields')!.split(',').length);
      const idsPer = gets.filter((u) => u.searchParams.has('ids')).map((u) => u.searchParams.get('ids')!.split(',').length);
      // field metadata, page 1 + 2 chunks × 2 id groups, page 2 + 2 chunks × 1, the deletion listing.
      expect(r.em.requests).toBe(1 + (1 + 4) + (1 + 2) + 1);
      expect(fieldsPer).toEqual([50, 50, 50, 31, 31, 50, 50, 31]);
      expect(idsPer).toEqual([100, 100, 100, 100, 50, 50]);
      const rows = await r.db.all<{ extra: string }>(`SELECT extra FROM contacts`);
      expect(rows).toHaveLength(250);
      for (const row of rows) expect(Object.keys(JSON.parse(row.extra)).filter((k) => / \[(Custom_Field_\d+|Favorite_Color)\]$/.test(k))).toHaveLength(121);
    } finally {
      await r.close();
    }
  });
});
