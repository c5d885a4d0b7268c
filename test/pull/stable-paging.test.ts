// Records change and appear while a pull pages through them: each emulator edits and inserts records before
// answering every page after the first. Whatever the CRM's paging (keyset, cursor, offset, page number, query
// locator), no record that existed when the pull began may be skipped, none may land twice, and one more
// incremental pull must leave the database equal to the CRM.
import { describe, expect, it } from 'vitest';
import { envFor, startCrm, storeFor, type Store } from '../../fixtures/api/index.js';
import { openDb, type Db } from '../../src/db/database.js';
import { pull } from '../../src/pull/pull.js';
import { tmp } from '../helpers.js';

const TOKEN = 'tok_stable_paging_01';
const dir = tmp();

const CASES = [
  { crm: 'hubspot', entity: 'contacts', table: 'contacts' },
  { crm: 'salesforce', entity: 'Contact', table: 'contacts' },
  { crm: 'pipedrive', entity: 'persons', table: 'contacts' },
  { crm: 'pipedrive', entity: 'leads', table: 'leads' },
  { crm: 'zoho', entity: 'Contacts', table: 'contacts' },
  { crm: 'bitrix24', entity: 'contacts', table: 'contacts' },
  { crm: 'amocrm', entity: 'contacts', table: 'contacts' },
];

/** The emulator's record id inside a CRM's source_id (Salesforce and Zoho pad it behind a prefix). */
const storeId = (sid: string) => Number(sid.replace(/^(003|5540230000|adf21080-0e10-11eb-879b-)/, ''));

/** Edits two records (one already read, one not yet, as the pull goes) and inserts one: a busy CRM. */
function mutator(store: Store, entity: string) {
  let tick = 0;
  let edits = 0;
  let inserts = 0;
  return {
    mutate() {
      const rows = store.list(entity);
      for (const k of [7, 3]) {
        const rec = rows[(tick * k + k) % rows.length];
        rec.last = `${rec.last.replace(/ v\d+$/, '')} v${++edits}`;
        rec.name = `${rec.first} ${rec.last}`;
        rec.updated = new Date(Date.now() + edits); // strictly later than anything before it
      }
      store.add(entity, 1);
      inserts++;
      tick++;
    },
    get edits() {
      return edits;
    },
    get inserts() {
      return inserts;
    },
  };
}

/** Each stored record's id and the last name it carries (a Pipedrive lead carries it at the end of its title). */
async function stored(db: Db, table: string, source: string): Promise<Map<number, string>> {
  const rows = await db.all<{ source_id: string; v: string }>(`SELECT source_id, ${table === 'leads' ? 'title' : 'last_name'} AS v FROM ${table} WHERE source = '${source}'`);
  const out = new Map(rows.map((r) => [storeId(r.source_id), r.v]));
  expect(out.size).toBe(rows.length); // nothing twice
  return out;
}

/** The edit a stored name carries: " v12" → 12; none → -1. */
const version = (v: string | undefined) => Number(/ v(\d+)$/.exec(v ?? '')?.[1] ?? -1);

describe.each(CASES)('$crm $entity: records edited and inserted between every page', ({ crm, entity, table }) => {
  it('none lost, none twice; the next incremental pull matches the CRM exactly', async () => {
    const page = crm === 'bitrix24' ? 50 : 20;
    const store = storeFor(crm, { [entity]: page * 5 });
    const m = mutator(store, entity);
    let mutating = false;
    const em = await startCrm(crm, { token: TOKEN, store, pageSize: page, onRequest: (n) => mutating && n > 1 && m.mutate() });
    const db = await openDb(`${dir}/${crm}-${entity}.duckdb`);
    const source = `${crm}-stable`;
    const run = () => pull(db, { crm, source, entities: [entity], env: envFor(crm, em.url, TOKEN), rate: 1000 });
    try {
      // 1. A full pull while the CRM changes.
      const before = store.list(entity).map((r) => r.id);
      mutating = true;
      await run();
      mutating = false;
      let got = await stored(db, table, source);
      expect(before.filter((id) => !got.has(id))).toEqual([]); // nothing lost
      const fullEdits = m.edits;

      // 2. Everything changes, then an incremental pull while the CRM keeps changing.
      // All within one second, a second ago (a bulk update): more than a page shares one modification time,
      // and every edit during the pull moves a record out of that second.
      const t = (Math.floor(Date.now() / 1000) - 1) * 1000;
      store.list(entity).forEach((r) => {
        r.last = `${r.last.replace(/ v\d+$/, '')} v0`;
        r.updated = new Date(t);
      });
      const changed = store.list(entity).map((r) => r.id);
      mutating = true;
      const [inc] = await run();
      mutating = false;
      expect(inc.mode).toBe('incremental');
      got = await stored(db, table, source);
      // Each record changed before this pull began arrives in that version (v0) or a later one.
      expect(changed.filter((id) => !(version(got.get(id)) === 0 || version(got.get(id)) > fullEdits))).toEqual([]);

      // 3. A quiet incremental pull: the database equals the CRM.
      await run();
      got = await stored(db, table, source);
      const want = new Map(store.list(entity).map((r) => [r.id, table === 'leads' ? `${r.company} lead ${r.last}` : r.last]));
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
      expect(fullEdits).toBeGreaterThan(8);
      expect(m.inserts).toBeGreaterThan(8);
    } finally {
      db.close();
      await em.close();
    }
  });
});
