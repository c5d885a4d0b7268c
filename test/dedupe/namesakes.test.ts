// Namesakes across CRMs: a Bitrix24 export in Cyrillic and a HubSpot export in Latin letters, drawn from small name
// pools (fixtures/gen/namesakes.ts), imported and deduplicated through the CLI as a user would.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeNamesakes, type NamesakeSet } from '../../fixtures/gen/namesakes.js';
import { evaluate } from '../../src/dedupe/evaluate.js';
import { cli, query, tmp } from '../helpers.js';

const dir = tmp();
const db = join(dir, 'ns.duckdb');
let set: NamesakeSet;
/** source:source_id → the person it is (the generator's truth). */
let person: Map<string, string>;
/** source:source_id → cluster, for clustered records. */
let cluster: Map<string, string>;
/** source:source_id → the record as imported (phone digits, e-mail, name). */
let record: Map<string, { name: string; phone: string | null; email: string | null }>;

beforeAll(async () => {
  set = writeNamesakes(join(dir, 'ns'), 800, 5);
  expect((await cli('import', set.bitrix24, '--source', 'b24', '--db', db)).code).toBe(0);
  expect((await cli('import', set.hubspot, '--source', 'hs', '--db', db)).code).toBe(0);
  const r = await cli('dedupe', '--db', db, '--format', 'csv');
  expect(r.code).toBe(0);
  cluster = new Map((parse(r.stdout, { columns: true }) as Record<string, string>[]).map((x) => [`${x.source}:${x.source_id}`, x.cluster_id]));
  person = new Map((parse(readFileSync(set.truth), { columns: true }) as Record<string, string>[]).map((x) => [`${x.source}:${x.source_id}`, x.person]));
  const rows = await query<{ k: string; name: string; phone: string | null; email: string | null }>(db,
    `SELECT source || ':' || source_id AS k, lower(concat_ws(' ', first_name, last_name)) AS name, regexp_replace(phone, '\\D', '', 'g') AS phone, lower(email) AS email FROM contacts`);
  record = new Map(rows.map((x) => [x.k, x]));
}, 120_000);

describe('namesakes across a Cyrillic and a Latin CRM', () => {
  it('is namesake-dense: most people share their exact name with another person', () => {
    expect(set.namesakePeople / set.people).toBeGreaterThan(0.6);
    expect(set.truePairs).toBeGreaterThan(200);
  });

  it('namesakes with different phones and e-mails stay apart, even at one company', () => {
    const byName = new Map<string, string[]>();
    for (const [k, r] of record) if (k.startsWith('b24:')) byName.set(r.name, [...(byName.get(r.name) ?? []), k]);
    let namesakePairs = 0;
    for (const ks of byName.values()) {
      for (let i = 0; i < ks.length; i++) {
        for (let j = i + 1; j < ks.length; j++) {
          const [a, b] = [ks[i], ks[j]];
          if (person.get(a) === person.get(b)) continue;
          namesakePairs++;
          if (record.get(a)!.phone !== record.get(b)!.phone && cluster.has(a)) expect(cluster.get(b), `${a} and ${b}: two ${record.get(a)!.name}`).not.toBe(cluster.get(a));
        }
      }
    }
    expect(namesakePairs).toBeGreaterThan(100);
  });

  it('the same person in Bitrix24 (Cyrillic) and HubSpot (Latin) with one phone and e-mail is one cluster', () => {
    let checked = 0;
    for (const [k, p] of person) {
      if (!k.startsWith('hs:')) continue;
      const twin = [...person].find(([k2, p2]) => k2.startsWith('b24:') && p2 === p)?.[0];
      if (!twin) continue;
      const [a, b] = [record.get(k)!, record.get(twin)!];
      // the same number in another format (+7 … vs 8 …) and the same e-mail (perhaps in capitals)
      if (a.email !== b.email || a.phone?.slice(-10) !== b.phone?.slice(-10)) continue;
      checked++;
      expect(cluster.get(k), `${k} ${a.name} = ${twin} ${b.name}`).toBeDefined();
      expect(cluster.get(k)).toBe(cluster.get(twin));
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('scores precision ≥ 0.98 at recall ≥ 0.95 against the generator’s truth', () => {
    const q = evaluate(cluster, person);
    expect(q.precision).toBeGreaterThanOrEqual(0.98);
    expect(q.recall).toBeGreaterThanOrEqual(0.95);
  });
});
