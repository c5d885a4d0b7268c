// Candidate pairs: one equality join per blocking rule, UNION of their pairs (one join with OR conditions is far
// slower). A key shared by more records than the block cap would make pairs quadratic: such a block is not
// joined whole; when the key is a whole field (an e-mail, a name, an organisation name, not a prefix), each record
// is paired with its next two in id order instead (a chain: a name-only list's "AKZO NOBEL" ×148 still ends in one
// cluster, at a linear cost).
import type { Db } from '../db/database.js';

/** Blocks shrink as the table grows (150 up to 20,000 records, 21 at a million), so pairs grow about linearly. */
export const blockCap = (n: number): number => Math.round(Math.min(150, Math.max(20, 150 * Math.sqrt(20_000 / Math.max(1, n)))));

const WINDOW = 2;

/** Creates dd_pairs(l, r) (rid pairs, l < r) from the rules; returns the number of pairs. */
export async function candidatePairs(db: Db, rules: string[][], maxBlock: number): Promise<number> {
  const keys = rules.map((parts, i) => {
    const nonEmpty = parts.map((p) => `coalesce(CAST(${p} AS VARCHAR), '') <> ''`).join(' AND ');
    const key = parts.length === 1 ? `CAST(${parts[0]} AS VARCHAR)` : `concat_ws('|', ${parts.map((p) => `CAST(${p} AS VARCHAR)`).join(', ')})`;
    // The rule and its key as one 64-bit hash: a narrow integer to sort and join on instead of strings (two keys
    // that collide, about one chance in 10^6 at a million records, only add candidate pairs, which are compared).
    return `SELECT rid, ${parts.length === 1 ? 'TRUE' : 'FALSE'} AS whole, hash(${i}, ${key}) AS k FROM dd_rec WHERE ${nonEmpty}`;
  });
  await db.run(`CREATE OR REPLACE TEMP TABLE dd_keys AS SELECT * FROM (SELECT whole, k, rid, count(*) OVER (PARTITION BY k) AS size,
    row_number() OVER (PARTITION BY k ORDER BY rid) AS pos FROM (${keys.join(' UNION ALL ')})) WHERE size >= 2`);
  // Each pair as one 64-bit integer (l in the high half) while duplicates are removed: one narrow hash key instead of two.
  await db.run(`CREATE OR REPLACE TEMP TABLE dd_pairs AS SELECT CAST(x >> 32 AS INTEGER) AS l, CAST(x & 4294967295 AS INTEGER) AS r FROM (SELECT DISTINCT x FROM (
      SELECT (CAST(a.rid AS BIGINT) << 32) | b.rid AS x FROM dd_keys a JOIN dd_keys b ON a.k = b.k AND a.rid < b.rid
      WHERE a.size <= ${maxBlock}
      UNION ALL
      SELECT (CAST(a.rid AS BIGINT) << 32) | b.rid FROM dd_keys a JOIN dd_keys b ON a.k = b.k AND b.pos BETWEEN a.pos + 1 AND a.pos + ${WINDOW}
      WHERE a.size > ${maxBlock} AND a.whole))`);
  await db.run('DROP TABLE dd_keys');
  const [{ c }] = await db.all<{ c: number }>('SELECT count(*) AS c FROM dd_pairs');
  return c;
}
