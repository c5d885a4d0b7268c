// The rig the connector tests share: one CRM's emulator on 127.0.0.1 with a store of records, a database to pull
// into, and the entity each CRM's suite pulls.
import { EMULATED, envFor, startCrm, storeFor, type Emulator, type Fault, type Store } from '../../fixtures/api/index.js';
import { openDb, type Db } from '../../src/db/database.js';
import { pull, type PullOptions } from '../../src/pull/pull.js';
import { tmp } from '../helpers.js';

export const TOKEN = 'tok_3f9a1c77e2b04d5e';
/** Small pages, so a few dozen records make several; Bitrix24's page is always 50. */
export const pageOf = (crm: string) => (crm === 'bitrix24' ? 50 : 20);

export interface Rig {
  em: Emulator;
  store: Store;
  db: Db;
  path: string;
  run(extra?: Partial<PullOptions>): ReturnType<typeof pull>;
  close(): Promise<void>;
}

export async function rig(crm: string, entity: string, o: { faults?: Fault[]; n?: number; enforceRate?: number; state?: Record<string, unknown>; onRequest?: (n: number) => void } = {}): Promise<Rig> {
  const store = storeFor(crm, { [entity]: o.n ?? Math.round(3.5 * pageOf(crm)) });
  const em = await startCrm(crm, { token: TOKEN, store, pageSize: pageOf(crm), faults: o.faults, enforceRate: o.enforceRate, state: o.state, onRequest: o.onRequest });
  const path = `${tmp()}/crm.duckdb`;
  const db = await openDb(path);
  return {
    em, store, db, path,
    run: (extra = {}) => pull(db, { crm, source: `${crm}-test`, entities: [entity], env: envFor(crm, em.url, TOKEN), rate: 500, backoffMs: 5, retries: 4, ...extra }),
    close: async () => {
      await db.run('PRAGMA disable_checkpoint_on_shutdown').catch(() => {}); // a test database: no checkpoint on close
      db.close();
      await em.close();
    },
  };
}

export const count = async (db: Db, table: string, source: string) =>
  (await db.all<{ n: number; d: number }>(`SELECT count(*) AS n, count(DISTINCT source_id) AS d FROM ${table} WHERE source = ${`'${source}'`}`))[0];

/** The entity each suite pulls, and whether the API lists deletions. */
export const CASES: { crm: string; entity: string; table: string; deletions: boolean }[] = [
  { crm: 'hubspot', entity: 'contacts', table: 'contacts', deletions: true },
  { crm: 'salesforce', entity: 'Contact', table: 'contacts', deletions: true },
  { crm: 'pipedrive', entity: 'persons', table: 'contacts', deletions: false },
  { crm: 'zoho', entity: 'Contacts', table: 'contacts', deletions: true },
  { crm: 'bitrix24', entity: 'contacts', table: 'contacts', deletions: false },
  { crm: 'amocrm', entity: 'contacts', table: 'contacts', deletions: false },
];

export { EMULATED, envFor };
