// The "one typo" levels (exact, phone and e-mail comparisons) decide one edit without the edit-distance matrix where
// they can: every level must be what Damerau–Levenshtein ≤ 1 itself says, for ASCII, Cyrillic and mixed values of
// equal and different lengths.
import { expect, it } from 'vitest';
import { openDb } from '../../src/db/database.js';
import { lit } from '../../src/db/sql.js';
import { gammasSelect } from '../../src/dedupe/comparisons.js';
import { PERSON } from '../../src/dedupe/config.js';

const VALUES = [
  'abcdef', 'abdcef', 'abcxef', 'abcdefg', 'bacdef', 'abcdfe', 'xbcdey', 'abcd', 'abc', 'ab', 'ba', 'a',
  'аbcdef', 'ёжик', 'ежик', 'жёик', 'ёжки', 'ёжикк', 'jose', 'josé', 'jsoé',
  '+79161234567', '+79161234576', '+79161234568', '+79261234567', '+7916123456', '+791612345678', '+79161234599',
];

it('one edit apart exactly when Damerau–Levenshtein says so', async () => {
  const db = await openDb(':memory:');
  await db.run(`CREATE TEMP TABLE dd_rec AS SELECT CAST(i AS INTEGER) AS rid, v AS id_number, v AS phone FROM (SELECT unnest(${`[${VALUES.map(lit).join(', ')}]`}) AS v, generate_subscripts(${`[${VALUES.map(lit).join(', ')}]`}, 1) AS i)`);
  await db.run('CREATE TEMP TABLE dd_pairs AS SELECT a.rid AS l, b.rid AS r FROM dd_rec a, dd_rec b WHERE a.rid <> b.rid');
  const cfg = { ...PERSON, fields: { id_number: 'exact', phone: 'phone' } as const, swapNames: undefined, tf: [] };
  const rows = await db.all<{ a: string; b: string; g: number; want: number; gp: number; wantp: number }>(`
    SELECT a.id_number AS a, b.id_number AS b, g.g_id_number AS g, CASE WHEN a.id_number = b.id_number THEN 2 WHEN damerau_levenshtein(a.id_number, b.id_number) <= 1 THEN 1 ELSE 0 END AS want,
      g.g_phone AS gp, CASE WHEN a.phone = b.phone THEN 3 WHEN damerau_levenshtein(a.phone, b.phone) <= 1 THEN 2
        WHEN length(a.phone) >= 7 AND length(a.phone) = length(b.phone) AND left(a.phone, length(a.phone) - 2) = left(b.phone, length(b.phone) - 2) THEN 1 ELSE 0 END AS wantp
    FROM (${gammasSelect(cfg, 'dd_pairs', new Set(['id_number', 'phone']))}) g JOIN dd_rec a ON a.rid = g.l JOIN dd_rec b ON b.rid = g.r`);
  db.close();
  expect(rows.length).toBe(VALUES.length * (VALUES.length - 1));
  expect(rows.filter((x) => x.g !== x.want || x.gp !== x.wantp)).toEqual([]);
  // (the grid has every kind: typos by substitution, swap, insertion, and values further apart)
  expect(new Set(rows.map((x) => x.want))).toEqual(new Set([0, 1]));
  expect(rows.filter((x) => x.want === 1).length).toBeGreaterThan(20);
});
