// E-mail levels of people: the same user name at another domain, and a typo in it, count for nothing (-1) when the
// user name is just the person's name (namesakes pick "fedor.zakharov" at list.ru and inbox.ru alike).
import { expect, it } from 'vitest';
import { openDb } from '../../src/db/database.js';
import { gammasSelect } from '../../src/dedupe/comparisons.js';
import { PERSON } from '../../src/dedupe/config.js';
import { finishRecords } from '../../src/dedupe/records.js';

const PAIRS: [string, string, string, string, string, number][] = [
  // first, last, left e-mail, right e-mail, why, level
  ['fedor', 'zakharov', 'fedor.zakharov@list.ru', 'fedor.zakharov@inbox.ru', 'same user, the name', -1],
  ['anna', 'petrova', 'qwerty77@list.ru', 'qwerty77@inbox.ru', 'same user, not the name', 1],
  ['ivan', 'orlov', 'orlovi85@mail.ru', 'orlovj85@mail.ru', 'typo in letters, the last name', -1],
  ['ivan', 'orlov', 'ivanxx85@mail.ru', 'ivanxy85@mail.ru', 'typo in letters, the first name', -1],
  ['boris', 'kim', 'xyzabc12@mail.ru', 'xyzabd12@mail.ru', 'typo in letters, not the name (kim: too short to tell)', 2],
  ['boris', null as unknown as string, 'kimxyz12@mail.ru', 'kimxyy12@mail.ru', 'typo, no last name', 2],
  ['boris', 'kim', 'xyzabc12@mail.ru', 'xyzabc13@mail.ru', 'typo in digits: another person', 0],
  ['boris', 'kim', 'xyzabc12@mail.ru', 'xyzabc12@mail.ru', 'the same', 3],
];

it('same user at another domain and typos weigh nothing when the user is the name', async () => {
  const db = await openDb(':memory:');
  const q = (s: string | null) => (s === null ? 'NULL' : `'${s}'`);
  await db.run(`CREATE TEMP TABLE dd_src AS SELECT * FROM (VALUES ${PAIRS.flatMap(([f, l, a, b], i) => [
    `('c:${String(2 * i).padStart(2, '0')}', ${q(f)}, ${q(l)}, '${a}')`, `('c:${String(2 * i + 1).padStart(2, '0')}', ${q(f)}, ${q(l)}, '${b}')`]).join(', ')}) t(id, first, last, email)`);
  await finishRecords(db, 'person');
  const columns = new Set((await db.all<{ column_name: string }>('SELECT column_name FROM (DESCRIBE dd_rec)')).map((c) => c.column_name));
  await db.run('CREATE TEMP TABLE dd_pairs AS SELECT rid AS l, rid + 1 AS r FROM dd_rec WHERE rid % 2 = 1');
  const cfg = { ...PERSON, fields: { first: 'name', last: 'name', email: 'email' } as const, tf: [] };
  const rows = await db.all<{ l: number; g: number }>(`SELECT l, g_email AS g FROM (${gammasSelect(cfg, 'dd_pairs', columns)}) ORDER BY l`);
  db.close();
  expect(rows.map((r) => [PAIRS[(r.l - 1) / 2][4], r.g])).toEqual(PAIRS.map((p) => [p[4], p[5]]));
});
