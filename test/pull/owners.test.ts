// Owners: a pull fills `users` from each CRM's users endpoint, and reports show the owner's name instead of the
// CRM's user id, one person across CRMs where the e-mails match.
import { describe, expect, it } from 'vitest';
import { envFor, startCrm, storeFor } from '../../fixtures/api/index.js';
import { USERS } from '../../fixtures/api/users.js';
import { reportCommand } from '../../src/commands/report.js';
import { openDb } from '../../src/db/database.js';
import { CONNECTORS } from '../../src/pull/connectors/index.js';
import { pull } from '../../src/pull/pull.js';
import { cli, tmp, write } from '../helpers.js';

const dir = tmp();
const TOKEN = 'tok_owners_0001';
const usersEntity = (crm: string) => Object.entries(CONNECTORS.find((c) => c.id === crm)!.entities).find(([, t]) => t === 'users')![0];

describe.each(CONNECTORS.map((c) => c.id))('%s users', (crm) => {
  it('are pulled by default, with id, name, e-mail and active', async () => {
    const connector = CONNECTORS.find((c) => c.id === crm)!;
    expect(connector.defaultEntities).toContain(usersEntity(crm));
    const em = await startCrm(crm, { token: TOKEN, store: storeFor(crm, {}) });
    const db = await openDb(`${dir}/${crm}-users.duckdb`);
    try {
      await pull(db, { crm, source: crm, entities: [usersEntity(crm)], env: envFor(crm, em.url, TOKEN), rate: 1000 });
      const rows = await db.all<{ name: string; email: string; active: boolean }>('SELECT name, email, active FROM users ORDER BY email');
      expect(rows).toEqual([...USERS].sort((a, b) => a.email.localeCompare(b.email)).map((u) => ({ name: crm === 'amocrm' ? `${u.last} ${u.first}` : `${u.first} ${u.last}`, email: u.email, active: u.active })));
    } finally {
      db.close();
      await em.close();
    }
  });
});

describe('manager-ranking on pulled data', () => {
  it('shows owner names, one row per person across two CRMs (matched by e-mail), and keeps names from file imports', async () => {
    const path = `${dir}/ranking.duckdb`;
    const db = await openDb(path);
    const ems = [];
    try {
      for (const [crm, deals] of [['bitrix24', 'deals'], ['amocrm', 'leads']] as const) {
        const em = await startCrm(crm, { token: TOKEN, store: storeFor(crm, { [deals]: 40 }) });
        ems.push(em);
        await pull(db, { crm, source: crm, entities: [deals, usersEntity(crm)], env: envFor(crm, em.url, TOKEN), rate: 1000 });
      }
      const owners = await db.all<{ owner: string }>('SELECT DISTINCT owner FROM deals ORDER BY 1');
      expect(owners.every((o) => /^\d+$/.test(o.owner))).toBe(true); // the CRMs hold ids
    } finally {
      db.close();
      for (const em of ems) await em.close();
    }
    // A file import whose owners are names already.
    const f = write(dir, 'deals.csv', 'Record ID,Deal Name,Deal Stage,Amount,Currency,Create Date,Close Date,Deal owner\n1,A,Closed Won,100,RUB,2025-01-01,2025-01-02,Ann File\n');
    expect((await cli('import', f, '--source', 'hs-file', '--db', path)).code).toBe(0);
    const run = await reportCommand({ db: path, ids: ['manager-ranking'], from: '2025-01-01', to: '2025-12-31', format: 'json' });
    const names = run.results[0].rows.map((r) => r.owner).sort();
    // amoCRM writes "Белова Мария", Bitrix24 "Мария Белова": one person by e-mail, named as the first source ("amocrm") does.
    expect(names).toEqual(['Ann File', ...USERS.map((u) => `${u.last} ${u.first}`)].sort());
  });
});
