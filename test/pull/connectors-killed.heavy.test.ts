// A connector's pull killed mid-way (SIGKILL of the real `crmq pull` process), then resumed: nothing missing, nothing
// twice, no page fetched again before the checkpoint; for each of the six CRMs. Each waits on a paced child process
// and a 3 s kill delay, so the file is in the heavy suite (`npm run test:heavy`, run by CI after `npm test`).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/database.js';
import { pull } from '../../src/pull/pull.js';
import { BIN } from '../helpers.js';
import { CASES, count, envFor, pageOf, rig, TOKEN } from './connector-rig.js';

describe.each(CASES)('$crm', ({ crm, entity, table, deletions }) => {
  const source = `${crm}-test`;
  const PAGE = pageOf(crm);
  // amoCRM pages by time (keyset): each page after the first asks again from the second the last one ended in,
  // so it carries one record already read and brings PAGE - 1 new ones.
  const overlap = crm === 'amocrm' ? 1 : 0;
  const recordsIn = (pages: number) => pages * PAGE - Math.max(0, pages - 1) * overlap;
  const pagesFor = (n: number) => 1 + Math.ceil((n - PAGE) / (PAGE - overlap));
  // Before the first page of a run, HubSpot asks the properties API for every property, Salesforce the object's
  // describe for every field, Zoho the module's field metadata, Pipedrive the field list naming custom fields.
  const setupRequests = ['hubspot', 'salesforce', 'zoho', 'pipedrive'].includes(crm) ? 1 : 0;

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
  });
});
