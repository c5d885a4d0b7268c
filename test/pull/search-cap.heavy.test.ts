// HubSpot's search API stops at 10,000 results: an incremental pull where every one of 10,150 records changed must
// page by id and lose nothing. Two pulls of 10,150 records through the emulator, so it is in the heavy suite
// (`npm run test:heavy`, run by CI after `npm test`); the other HubSpot signals are in signals.test.ts.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envFor, startCrm, storeFor } from '../../fixtures/api/index.js';
import { openDb } from '../../src/db/database.js';
import { pull } from '../../src/pull/pull.js';
import { tmp } from '../helpers.js';

const TOKEN = 'pat-na1-5c1e0d2a-77f1-4c55-9e0b-3c2d1f00aa11';

describe('rate-limit signals in each CRM dialect', () => {
  it('HubSpot: an incremental pull of more than the search cap of 10,000 pages by id and loses nothing', async () => {
    const store = storeFor('hubspot', { contacts: 10_150 });
    const em = await startCrm('hubspot', { token: TOKEN, store, pageSize: 200 });
    const db = await openDb(join(tmp(), 'crm.duckdb'));
    const run = () => pull(db, { crm: 'hubspot', source: 'hubspot', entities: ['contacts'], env: envFor('hubspot', em.url, TOKEN), rate: 1000, backoffMs: 5, retries: 3 });
    try {
      await run();
      // Every record changes: the search would have to page past 10,000.
      const now = Date.now();
      store.list('contacts').forEach((r, i) => (r.updated = new Date(now + i)));
      const [r] = await run();
      expect(r.records).toBeGreaterThanOrEqual(10_150);
      const [{ n, d }] = await db.all<{ n: number; d: number }>('SELECT count(*) AS n, count(DISTINCT source_id) AS d FROM contacts');
      expect({ n, d }).toEqual({ n: 10_150, d: 10_150 });
    } finally {
      db.close();
      await em.close();
    }
  });
});
