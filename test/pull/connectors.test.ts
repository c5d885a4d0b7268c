// Every connector against its emulator on 127.0.0.1: full pull, incremental pull (changes, additions,
// deletions where the API lists them), a rate-limit storm in the CRM's own dialect, a failed page then --resume,
// and the answers that must stop a pull (HTML, truncated JSON, a changed field type, 401).
import { describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/pull/connectors/index.js';
import { CASES, count, EMULATED, envFor, pageOf, rig, TOKEN } from './connector-rig.js';

describe.each(CASES)('$crm', ({ crm, entity, table, deletions }) => {
  const source = `${crm}-test`;
  const PAGE = pageOf(crm);
  const N = Math.round(3.5 * PAGE); // four pages, the last one half full
  // amoCRM pages by time (keyset): each page after the first asks again from the second the last one ended in,
  // so it carries one record already read and brings PAGE - 1 new ones.
  const overlap = crm === 'amocrm' ? 1 : 0;
  const recordsIn = (pages: number) => pages * PAGE - Math.max(0, pages - 1) * overlap;
  const pagesFor = (n: number) => 1 + Math.ceil((n - PAGE) / (PAGE - overlap));
  // Before the first page of a run, HubSpot asks the properties API for every property, Salesforce the object's
  // describe for every field, Zoho the module's field metadata, Pipedrive the field list naming custom fields.
  const setupRequests = ['hubspot', 'salesforce', 'zoho', 'pipedrive'].includes(crm) ? 1 : 0;

  it('pulls every record with lineage, e-mail, phone and times, and checkpoints the finished pull', async () => {
    const r = await rig(crm, entity);
    try {
      const [res] = await r.run();
      expect(res).toMatchObject({ mode: 'full', records: N, loaded: N, rejected: 0, pages: pagesFor(N) });
      expect(await count(r.db, table, source)).toEqual({ n: N, d: N });
      const rows = await r.db.all<Record<string, string>>(`SELECT * FROM ${table} WHERE source = '${source}' ORDER BY created_at LIMIT 1`);
      const first = r.store.list(entity)[0];
      expect(rows[0]).toMatchObject({ first_name: first.first, email: first.email, phone: first.phone, created_at: '2025-01-01 00:00:00' });
      expect(rows[0].source_id).toContain(String(first.id));
      const [p] = await r.db.all<{ status: string; pages: number; records: number; cursor: string | null }>(`SELECT status, pages, records, cursor FROM pulls`);
      expect(p).toEqual({ status: 'done', pages: pagesFor(N), records: N, cursor: null });
    } finally {
      await r.close();
    }
  });

  it('pulls only what changed since the last pull, upserts it' + (deletions ? ' and removes deleted records' : ''), async () => {
    const r = await rig(crm, entity);
    try {
      await r.run();
      const before = r.em.requests;
      const changed = r.store.touch(entity, 3);
      const added = r.store.add(entity, 2);
      const gone = r.store.list(entity)[10].id;
      if (deletions) r.store.remove(entity, gone);
      const [res] = await r.run();
      expect(res.mode).toBe('incremental');
      // Only the changed and new records travel (the 5-minute overlap reaches none of the old ones).
      expect(res.records).toBe(changed.length + added.length);
      expect(r.em.requests - before - setupRequests).toBeLessThan(Math.ceil(N / PAGE));
      const c = await count(r.db, table, source);
      expect(c.n).toBe(c.d);
      expect(c.n).toBe(N + added.length - (deletions ? 1 : 0));
      expect(res.deleted).toBe(deletions ? 1 : 0);
      const names = await r.db.all<{ last_name: string }>(`SELECT last_name FROM ${table} WHERE source = '${source}' AND last_name LIKE '%-Changed'`);
      expect(names).toHaveLength(changed.length);
    } finally {
      await r.close();
    }
  });

  it("sits out a storm of the CRM's rate-limit answers and still gets every record once", async () => {
    // Salesforce has no per-second limit: its REQUEST_LIMIT_EXCEEDED is the daily allowance, tested below.
    if (crm === 'salesforce') return;
    const r = await rig(crm, entity, { faults: [{ kind: 'rate-limit', at: 2, times: 3 }] });
    try {
      const [res] = await r.run();
      expect(res.retries).toBe(3);
      expect(r.em.rateLimited).toBe(3);
      expect(await count(r.db, table, source)).toEqual({ n: N, d: N });
    } finally {
      await r.close();
    }
  });

  it('keeps under the documented rate by itself: no rate-limit answers from a strict server', async () => {
    const rate = CONNECTORS.find((c) => c.id === crm)!.rate;
    if (rate > 10) return; // Salesforce: no per-second limit to keep under
    const r = await rig(crm, entity, { enforceRate: rate + 1, n: PAGE * 3 });
    try {
      await r.run({ rate: undefined });
      expect(r.em.rateLimited).toBe(0);
    } finally {
      await r.close();
    }
  });

  it('stops on an HTML page, truncated JSON or a changed field type, naming CRM, endpoint and page; committed pages stay and --resume finishes', async () => {
    for (const kind of ['html', 'truncated', 'bad-shape'] as const) {
      const r = await rig(crm, entity, { faults: [{ kind, at: 3 + setupRequests, times: Infinity }] });
      try {
        const err = (await r.run({ retries: 1 }).catch((e: Error) => e)) as Error;
        const label = CONNECTORS.find((c) => c.id === crm)!.label;
        expect(err.message).toContain(label.split(' ')[0]);
        expect(err.message).toMatch(/page 3/);
        expect(err.message).toMatch(kind === 'html' ? /HTML page/ : kind === 'truncated' ? /truncated JSON/ : /unexpected answer/);
        expect(err.message).not.toContain(TOKEN);
        const committed = await count(r.db, table, source);
        expect(committed.n).toBe(recordsIn(2));
        const [p] = await r.db.all<{ status: string; error: string }>(`SELECT status, error FROM pulls`);
        expect(p.status).toBe('failed');
        r.em.faults.length = 0;
        const [res] = await r.run({ resume: true });
        expect(res).toMatchObject({ mode: 'resumed', records: N - recordsIn(2) });
        expect(await count(r.db, table, source)).toEqual({ n: N, d: N });
      } finally {
        await r.close();
      }
    }
  });

  it('refuses a wrong token with one clear line and no secret in it', async () => {
    const r = await rig(crm, entity);
    try {
      const env = envFor(crm, r.em.url, 'wrong-token-0000');
      const err = (await r.run({ env: crm === 'bitrix24' ? { BITRIX24_WEBHOOK_URL: r.em.url.replace(TOKEN, 'wrong-token-0000') } : env }).catch((e: Error) => e)) as Error;
      expect(err.message).toMatch(/access refused \(401/);
      expect(err.message).not.toMatch(/wrong-token-0000/);
      expect(await count(r.db, table, source)).toEqual({ n: 0, d: 0 });
    } finally {
      await r.close();
    }
  });
});

describe('every connector has an emulator and a test', () => {
  it('covers all six CRMs', () => {
    expect(CASES.map((c) => c.crm).sort()).toEqual(CONNECTORS.map((c) => c.id).sort());
    expect(Object.keys(EMULATED).sort()).toEqual(CONNECTORS.map((c) => c.id).sort());
  });
});
