// HubSpot returns only the properties a request names: crmq asks for every property the properties API lists
// (custom ones too), reads deals' associations, and turns the stage probability fraction into a percent.
import { describe, expect, it } from 'vitest';
import { envFor, startCrm, storeFor } from '../../fixtures/api/index.js';
import { openDb } from '../../src/db/database.js';
import { pull } from '../../src/pull/pull.js';
import { tmp } from '../helpers.js';

const dir = tmp();

describe('HubSpot fields and links', () => {
  it.each([['full', false], ['incremental', true]])('%s pull: custom properties (with their label), associations as links, probability in percent', async (_mode, incremental) => {
    const store = storeFor('hubspot', { contacts: 30, deals: 30 });
    const em = await startCrm('hubspot', { token: 't0k3n-hs', store, pageSize: 20 });
    const db = await openDb(`${dir}/hs-${_mode}.duckdb`);
    try {
      const run = () => pull(db, { crm: 'hubspot', source: 'hs', entities: ['contacts', 'deals'], env: envFor('hubspot', em.url, 't0k3n-hs'), rate: 1000 });
      await run();
      if (incremental) {
        store.touch('deals', 30);
        store.touch('contacts', 30);
        const rs = await run();
        expect(rs.map((r) => r.mode)).toEqual(['incremental', 'incremental']);
      }
      const deals = await db.all<Record<string, unknown>>(`SELECT source_id, probability, contact_id, company_id, extra->'$."associations.contacts"' AS contacts, extra->>'$."Favorite color [favorite_color]"' AS color FROM deals ORDER BY source_id::INT LIMIT 1`);
      const id = Number(deals[0].source_id);
      expect(deals[0]).toEqual({ source_id: String(id), probability: 20, contact_id: String(id + 1), company_id: String(1000 + (id % 7)), contacts: JSON.stringify([String(id + 1), String(id + 2)]), color: ['teal', 'amber', 'plum'][id % 3] });
      const [{ n }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM contacts WHERE extra->>'$."Favorite color [favorite_color]"' IS NOT NULL`);
      expect(n).toBe(30);
    } finally {
      db.close();
      await em.close();
    }
  });
});
