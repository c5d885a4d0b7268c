// Every connector against its emulator on 127.0.0.1: full pull, incremental pull (changes, additions,
// deletions where the API lists them), a rate-limit storm in the CRM's own dialect, a crash then --resume,
// and the answers that must stop a pull (HTML, truncated JSON, a changed field type, 401).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { EMULATED, envFor, startCrm, storeFor, type Emulator, type Fault, type Store } from '../../fixtures/api/index.js';
import { openDb, type Db } from '../../src/db/database.js';
import { CONNECTORS } from '../../src/pull/connectors/index.js';
import { pull, type PullOptions } from '../../src/pull/pull.js';
import { BIN, tmp } from '../helpers.js';

const TOKEN = 'tok_3f9a1c77e2b04d5e';
/** Small pages, so a few dozen records make several; Bitrix24's page is always 50. */
const pageOf = (crm: string) => (crm === 'bitrix24' ? 50 : 20);

interface Rig {
  em: Emulator;
  store: Store;
  db: Db;
  path: string;
  run(extra?: Partial<PullOptions>): ReturnType<typeof pull>;
  close(): Promise<void>;
}

async function rig(crm: string, entity: string, o: { faults?: Fault[]; n?: number; enforceRate?: number; state?: Record<string, unknown>; onRequest?: (n: number) => void } = {}): Promise<Rig> {
  const store = storeFor(crm, { [entity]: o.n ?? Math.round(3.5 * pageOf(crm)) });
  const em = await startCrm(crm, { token: TOKEN, store, pageSize: pageOf(crm), faults: o.faults, enforceRate: o.enforceRate, state: o.state, onRequest: o.onRequest });
  const path = `${tmp()}/crm.duckdb`;
  const db = await openDb(path);
  return {
    em, store, db, path,
    run: (extra = {}) => pull(db, { crm, source: `${crm}-test`, entities: [entity], env: envFor(crm, em.url, TOKEN), rate: 500, backoffMs: 5, retries: 4, ...extra }),
    close: async () => {
      db.close();
      await em.close();
    },
  };
}

const count = async (db: Db, table: string, source: string) =>
  (await db.all<{ n: number; d: number }>(`SELECT count(*) AS n, count(DISTINCT source_id) AS d FROM ${table} WHERE source = ${`'${source}'`}`))[0];

/** The entity each suite pulls, and whether the API lists deletions. */
const CASES: { crm: string; entity: string; table: string; deletions: boolean }[] = [
  { crm: 'hubspot', entity: 'contacts', table: 'contacts', deletions: true },
  { crm: 'salesforce', entity: 'Contact', table: 'contacts', deletions: true },
  { crm: 'pipedrive', entity: 'persons', table: 'contacts', deletions: false },
  { crm: 'zoho', entity: 'Contacts', table: 'contacts', deletions: true },
  { crm: 'bitrix24', entity: 'contacts', table: 'contacts', deletions: false },
  { crm: 'amocrm', entity: 'contacts', table: 'contacts', deletions: false },
];

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
  }, 20_000);

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

  it('resumes after the process is killed mid-pull: nothing missing, nothing twice, no page fetched again before the checkpoint', async () => {
    const n = PAGE * 6;
    let child: ReturnType<typeof spawn> | undefined;
    let killedAt = 0;
    // The 5th page request hangs; the kill comes 3 s later, so the pages already fetched have committed even on a
    // machine busy enough to slow DuckDB down (killing at once left 0 pages committed under load).
    const killAt = 5 + setupRequests;
    const r = await rig(crm, entity, {
      n,
      faults: [{ kind: 'hang', at: killAt, times: 1000 }],
      onRequest: (i) => {
        if (i === killAt && child && !killedAt) {
          killedAt = i;
          const c = child;
          setTimeout(() => c.kill('SIGKILL'), 3000);
        }
      },
    });
    r.db.close();
    try {
      const env = { ...process.env, ...envFor(crm, r.em.url, TOKEN) };
      // 2 requests/s: the first page's commit (the child's first import, creating the tables) has 2 s before the kill
      // even on a busy machine.
      child = spawn(process.execPath, [BIN, 'pull', crm, '--source', source, '--entities', entity, '--db', r.path, '--rate', '2'], { env, stdio: 'ignore' });
      const code = await new Promise<number | null>((res) => child!.on('exit', (c) => res(c)));
      expect(code).toBeNull(); // killed
      expect(killedAt).toBe(killAt);
      r.em.ctx.state.expireLocators = true; // a Salesforce query locator does not outlive a crash for long
      r.em.faults.length = 0;
      const db = await openDb(r.path);
      try {
        const [p] = await db.all<{ status: string; pages: number }>(`SELECT status, pages FROM pulls`);
        expect(p.status).toBe('running');
        expect(p.pages).toBeGreaterThan(0);
        const partial = await count(db, table, source);
        expect(partial.n).toBe(recordsIn(p.pages));
        const before = r.em.requests;
        const [res] = await pull(db, { crm, source, entities: [entity], env: envFor(crm, r.em.url, TOKEN), rate: 500, resume: true });
        expect(res.mode).toBe('resumed');
        expect(await count(db, table, source)).toEqual({ n, d: n });
        // The resumed run starts after the checkpoint (Salesforce restarts its expired query from the last time committed).
        // (+1: Bitrix24 learns the end from an empty page; the deletion listing where there is one.)
        if (crm !== 'salesforce') expect(r.em.requests - before - setupRequests).toBe(pagesFor(n) - p.pages + (crm === 'bitrix24' ? 1 : 0) + (deletions ? 1 : 0));
        const [done] = await db.all<{ status: string }>(`SELECT status FROM pulls`);
        expect(done.status).toBe('done');
      } finally {
        db.close();
      }
    } finally {
      await r.em.close();
    }
  }, 60_000);
});

describe('every connector has an emulator and a test', () => {
  it('covers all six CRMs', () => {
    expect(CASES.map((c) => c.crm).sort()).toEqual(CONNECTORS.map((c) => c.id).sort());
    expect(Object.keys(EMULATED).sort()).toEqual(CONNECTORS.map((c) => c.id).sort());
  });
});
