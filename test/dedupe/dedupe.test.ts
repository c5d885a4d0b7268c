// Duplicate detection: the normalisers, clustering without chaining, quality on a labelled public set,
// determinism, the demo's planted duplicates, and the merge plan round trip.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../fixtures/generate.js';
import { openDb } from '../../src/db/database.js';
import { double } from '../../src/db/sql.js';
import { evaluateDataset } from '../../bench/dedup/evaluate-dataset.js';
import { clusterLinks, componentsOf } from '../../src/dedupe/cluster.js';
import { gammasSelect } from '../../src/dedupe/comparisons.js';
import { ORGANISATION, PERSON } from '../../src/dedupe/config.js';
import { evaluate } from '../../src/dedupe/evaluate.js';
import { DEDUPE_MACROS } from '../../src/dedupe/normalize-sql.js';
import { buildRecords } from '../../src/dedupe/records.js';
import { prepareNormalization } from '../../src/rules/normalize.js';
import { demoInto } from '../demo.js';
import { cli, HAS_SHARED, query, ROOT, SHARED, tmp } from '../helpers.js';

async function sql(expr: string): Promise<unknown> {
  const db = await openDb(':memory:');
  await db.run(DEDUPE_MACROS);
  const [r] = await db.all<{ v: unknown }>(`SELECT ${expr} AS v`);
  db.close();
  return r.v;
}

describe('weights in SQL', () => {
  // A weight written plainly (-11.405488851717793) is a DECIMAL in DuckDB, cast to DOUBLE for every pair it scores.
  it.each([-11.405488851717793, Math.log2(0.9853616086453517 / 7.278713624909017e-6), 4.0850273286866583e-8, 20, 0, -4.642185303024637])('double(%s) is that DOUBLE exactly', async (x) => {
    expect(await sql(`typeof(${double(x)})`)).toBe('DOUBLE');
    expect(await sql(double(x))).toBe(x);
  });
  it('a plain literal would not be', async () => expect(await sql('typeof(-11.405488851717793)')).toMatch(/^DECIMAL/));
});

describe('normalisers', () => {
  it.each([
    ["dd_name_key('Иванов Сергей')", 'ivanov sergy'], ["dd_name_key('Sergei Ivanov')", 'ivanov sergy'], ["dd_name_key('IVANOV, Sergey')", 'ivanov sergy'],
    ["dd_name('Дмитрий')", 'dmitry'], ["dd_name('Dmitriy')", 'dmitry'], ["dd_name('Фёдоров')", 'fedorov'], ["dd_name('Щукина')", 'shchukina'], ["dd_name('José Müller')", 'jose muller'],
  ])('names: %s = %s', async (expr, want) => expect(await sql(expr)).toBe(want));

  it.each([
    ["dd_company('ООО «Вектор»')", 'vektor'], ["dd_company('Vektor LLC')", 'vektor'], ["dd_company('АО \"Гранит\"')", 'granit'], ["dd_company('ПАО Сбербанк')", 'sberbank'],
    ["dd_company('Acme Tools GmbH')", 'acme tools'], ["dd_company('Helix Labs, Inc.')", 'helix labs'], ["dd_company('ИП Петров')", 'petrov'],
    ["dd_company('Akzo Nobel N.V.')", 'akzo nobel'], ["dd_company('Philips B.V.')", 'philips'], ["dd_company('Рога и копыта, ООО')", 'roga i kopyta'],
  ])('companies: %s = %s', async (expr, want) => expect(await sql(expr)).toBe(want));

  it.each([
    ["dd_address('854 7th Ave. between 54th and 55th Sts.')", '854 7th ave'], ["dd_address('854 Seventh Avenue')", '854 7th ave'],
    ["dd_address('3630 South Wells Street, Suite 105')", '3630 s wells st'], ["dd_address('435 S. La Cienega Blv.')", '435 s la cienega blvd'],
    ["dd_address('ул. Ленина, д. 5, кв. 12')", 'ul lenina 5'], ["dd_address('улица Ленина 5')", 'ul lenina 5'],
  ])('addresses: %s = %s', async (expr, want) => expect(await sql(expr)).toBe(want));

  it.each([
    ["dd_email(' Ivan.Petrov+crm@GMail.com ')", 'ivanpetrov@gmail.com'], ["dd_email('anna+x@mail.ru')", 'anna@mail.ru'],
    ["dd_domain('https://www.vektor.ru/about')", 'vektor.ru'], ["dd_domain('anna@vektor.ru')", 'vektor.ru'], ["dd_domain('anna@gmail.com')", null],
  ])('e-mails and domains: %s = %s', async (expr, want) => expect(await sql(expr)).toBe(want));

  it('phones of several countries meet in E.164', async () => {
    const db = await openDb(':memory:');
    await db.run(`INSERT INTO imports VALUES (1, 'de', 'contacts', 'f', 'x', 'hubspot', 'utf-8', ',', 1, 1, 0, 0, NULL, now(), now()), (2, 'ru', 'contacts', 'f', 'y', 'bitrix24', 'utf-8', ';', 1, 1, 0, 0, NULL, now(), now())`);
    await prepareNormalization(db, { defaultRegion: 'RU', regions: { de: 'DE' } });
    const out = await db.all<{ raw: string; region: string; e164: string | null }>(`SELECT raw, region, crmq_phone_e164(raw, region) AS e164 FROM (VALUES
      ('8 (912) 345-67-89', 'RU'), ('+7 912 345 67 89', 'RU'), ('79123456789', 'RU'), ('030 1234567', 'DE'), ('+49 30 1234567', 'RU'),
      ('(415) 555-2671', 'US'), ('+44 20 7946 0958', 'RU'), ('0000000', 'RU')) t(raw, region)`);
    db.close();
    expect(out.map((r) => r.e164)).toEqual(['+79123456789', '+79123456789', '+79123456789', '+49301234567', '+49301234567', '+14155552671', '+442079460958', null]);
  });
});

describe('records', () => {
  it("keep each record's first phone, the list of all only for records with several, and match on any of them", async () => {
    const db = await openDb(':memory:');
    await db.run(`INSERT INTO contacts (source, source_id, import_id, first_name, last_name, phones) VALUES
      ('crm', '1', 1, 'Anna', 'Petrova', ['+7 912 345 67 89', '8 (912) 000-11-22']), ('crm', '2', 1, 'Anna', 'Petrova', ['8 912 000 11 22']),
      ('crm', '3', 1, 'Boris', 'Orlov', ['not a phone', '+7 913 111 22 33']), ('crm', '4', 1, 'Vera', 'Orlova', NULL)`);
    await prepareNormalization(db, { defaultRegion: 'RU', regions: {} });
    await buildRecords(db, 'contacts');
    const rows = await db.all<{ source_id: string; phone: string | null; phones: string | null }>(
      `SELECT source_id, phone, array_to_string(list_sort(phones), ' ') AS phones FROM dd_rec ORDER BY rid`);
    expect(rows).toEqual([
      { source_id: '1', phone: '+79123456789', phones: '+79120001122 +79123456789' },
      { source_id: '2', phone: '+79120001122', phones: null },
      { source_id: '3', phone: '+79131112233', phones: null },
      { source_id: '4', phone: null, phones: null },
    ]);
    // 1's second number is 2's only one: the same phone
    await db.run('CREATE TEMP TABLE pairs AS SELECT 1 AS l, 2 AS r UNION ALL SELECT 2, 3');
    const columns = new Set((await db.all<{ column_name: string }>('SELECT column_name FROM (DESCRIBE dd_rec)')).map((c) => c.column_name));
    const g = await db.all<{ l: number; g_phone: number }>(`SELECT l, g_phone FROM (${gammasSelect({ ...PERSON, fields: { phone: 'phone' }, tf: [] }, 'pairs', columns)}) ORDER BY l`);
    db.close();
    expect(g).toEqual([{ l: 1, g_phone: 3 }, { l: 2, g_phone: 0 }]);
  });
});

describe('clustering', () => {
  it('does not chain two groups through one weak link, and keeps strong bridges', () => {
    const [a, b, c, x, y, z] = [1, 2, 3, 4, 5, 6];
    const links: [number, number, number][] = [[a, b, 0.999], [b, c, 0.999], [a, c, 0.999], [x, y, 0.999], [y, z, 0.999], [x, z, 0.999], [c, x, 0.95]];
    const got = clusterLinks(links);
    expect(new Set([got.get(a), got.get(b), got.get(c)]).size).toBe(1);
    expect(got.get(a)).not.toBe(got.get(x));
    const strong = clusterLinks([[a, b, 0.9999], [b, c, 0.995]]);
    expect(strong.get(c)).toBe(strong.get(a));
  });

  it('never puts a contradicted pair in one cluster, however strong the links through a third record', () => {
    // 2 resembles both 1 and 3 (links 0.9999); 1 and 3 are namesakes with different phones: a cannot-link.
    const got = clusterLinks([[1, 2, 0.9999], [2, 3, 0.99995], [4, 5, 0.999]], { cannotLink: [[1, 3]] });
    expect(got.get(2)).toBe(got.get(3)); // the stronger link wins
    expect(got.get(1)).not.toBe(got.get(3));
    expect(got.get(4)).toBe(got.get(5));
    expect(clusterLinks([[1, 2, 0.9999], [2, 3, 0.99995]]).get(1)).toBe(1); // without the contradiction: one cluster
  });

  it('components over typed columns: every rid gets the smallest rid it can reach (checked by a search of its own)', () => {
    // Random link sets over rids 1..60: sparse (mostly pairs) to dense (chains that merge); a rid with no link is its own component.
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (const count of [0, 5, 20, 40, 80]) {
      const links: [number, number][] = Array.from({ length: count }, () => [1 + Math.floor(random() * 60), 1 + Math.floor(random() * 60)]);
      const comp = componentsOf({ l: Int32Array.from(links, (x) => x[0]), r: Int32Array.from(links, (x) => x[1]), p: new Float64Array(count).fill(0.99) }, 61);
      for (let rid = 1; rid <= 60; rid++) {
        // Depth-first search from rid over the links in both directions.
        const seen = new Set([rid]);
        const todo = [rid];
        while (todo.length) {
          const at = todo.pop()!;
          for (const [l, r] of links) {
            for (const [a, b] of [[l, r], [r, l]]) {
              if (a !== at || seen.has(b)) continue;
              seen.add(b);
              todo.push(b);
            }
          }
        }
        expect(comp[rid]).toBe(Math.min(...seen));
      }
    }
  });

  it('pairwise and B-cubed scores by the book', () => {
    const truth = new Map([['1', 'A'], ['2', 'A'], ['3', 'A'], ['4', 'B']]);
    const q = evaluate(new Map([['1', 'x'], ['2', 'x'], ['3', 'y'], ['4', 'y']]), truth);
    expect(q).toMatchObject({ truePairs: 3, predictedPairs: 2, precision: 0.5, recall: 1 / 3 });
  });
});

describe.skipIf(!HAS_SHARED)('organisations on labelled data: one configuration for two very differently duplicated sets', () => {
  async function run(name: string) {
    const db = await openDb(':memory:');
    const r = await evaluateDataset(db, name, join(SHARED, 'datasets/dedup'));
    db.close();
    const prior = (r.link.records * ORGANISATION.dupesPerRecord) / r.link.candidatePairs;
    return { lambdaOverPrior: r.link.model.lambda / prior, f1: r.quality.precise.f1 };
  }

  it('λ follows how duplicated the data is, and both sets score F1 ≥ 0.90', async () => {
    // Chicago early childhood: 3,337 records of 1,162 sites from ten sources; restaurants: 112 of 752 appear twice.
    const chicago = await run('Chicago early childhood');
    const restaurants = await run('restaurants');
    expect(chicago.lambdaOverPrior).toBeGreaterThan(3);
    expect(restaurants.lambdaOverPrior).toBeGreaterThan(0.8);
    expect(restaurants.lambdaOverPrior).toBeLessThan(1.5);
    expect(chicago.f1).toBeGreaterThanOrEqual(0.9);
    expect(restaurants.f1).toBeGreaterThanOrEqual(0.9);
  });
});

describe.skipIf(!HAS_SHARED)('on labelled data (FEBRL 1: 1,000 records, 500 true pairs)', () => {
  const run = async () => {
    const db = await openDb(':memory:');
    const r = await evaluateDataset(db, 'FEBRL 1', join(SHARED, 'datasets/dedup'));
    db.close();
    return r;
  };

  it('blocking keeps nearly every true pair with few candidates; the clusters score F1 ≥ 0.995', async () => {
    const r = await run();
    expect(r.blockingRecall).toBeGreaterThanOrEqual(0.99);
    expect(r.link.candidatePairs / r.link.records).toBeLessThan(2);
    expect(r.quality.precise.f1).toBeGreaterThanOrEqual(0.995);
  });

  it('is deterministic: the same input gives the same links and model', async () => {
    const [a, b] = [await run(), await run()];
    expect(a.link.links).toEqual(b.link.links);
    expect(a.link.model).toEqual(b.link.model);
    expect(a.quality).toEqual(b.quality);
  });
});

describe('on the demo data', () => {
  const dir = tmp();
  const db = join(dir, 'demo.duckdb');
  const manifest = JSON.parse(readFileSync(join(ROOT, 'fixtures/sample/manifest.json'), 'utf8')) as Manifest;

  it('finds every planted duplicate (within and across CRMs, Cyrillic and Latin) and links no other real person', async () => {
    expect(await demoInto(dir)).toBe(db); // what `crmq demo --out dir` writes
    const r = await cli('check', '--db', db, '--select', 'contact.fuzzy-duplicate', '--format', 'json');
    const found = JSON.parse(r.stdout).findings as { source: string; source_id: string; cluster: string }[];
    const key = (x: { source: string; source_id: string }) => `${x.source}:${x.source_id}`;
    for (const g of manifest.duplicates) {
      const clusters = new Set(g.members.map((m) => found.find((f) => key(f) === key(m))?.cluster));
      expect(clusters.size, JSON.stringify(g.members)).toBe(1);
      expect([...clusters][0]).toBeTruthy();
    }
    // Beyond the planted duplicates, only the planted test records ("Тест Тестов", "Test Test") look alike.
    const planted = new Set([...manifest.duplicates.flatMap((g) => g.members.map(key)), ...manifest.planted.filter((p) => p.category === 'fake').map(key)]);
    expect(found.map(key).filter((k) => !planted.has(k))).toEqual([]);
  });

  it('writes a merge plan that imports back: one survivor per cluster, the best value of each field kept', async () => {
    const plan = join(dir, 'merge-plan.csv');
    const r = await cli('dedupe', '--db', db, '--entity', 'contacts', '--export', plan, '--format', 'json');
    const clusters = JSON.parse(r.stdout).clusters as { members: unknown[] }[];
    const back = join(dir, 'back.duckdb');
    const imp = await cli('import', plan, '--source', 'merged', '--preset', 'canonical', '--entity', 'contacts', '--db', back, '--format', 'json');
    expect(JSON.parse(imp.stdout)[0]).toMatchObject({ rowsLoaded: clusters.length, rowsRejected: 0 });
    // A b24 + amoCRM pair: the survivor keeps the patronymic only Bitrix24 had, and an e-mail from either.
    const [row] = await query<{ middle_name: string | null; email: string | null; n: number }>(back, `SELECT middle_name, email, (SELECT count(*) FROM contacts) AS n FROM contacts WHERE extra->>'merged_ids' LIKE '%amo:%' AND middle_name IS NOT NULL LIMIT 1`);
    expect(row.middle_name).toMatch(/вич|вна$/);
    expect(row.n).toBe(clusters.length);
  });

  it('crmq find looks up Cyrillic names with a Latin query', async () => {
    const person = manifest.planted.find((p) => p.category === 'duplicate_cross' && p.source === 'hubspot')!;
    const latinName = person.note.split(' = ')[0];
    const r = await cli('find', latinName, '--db', db, '--format', 'json');
    const hits = JSON.parse(r.stdout) as { source: string; name: string }[];
    expect(hits.slice(0, 3).map((h) => h.source)).toContain('b24');
  });
});
