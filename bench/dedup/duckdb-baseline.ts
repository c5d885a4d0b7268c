// The plain DuckDB baseline for the speed benchmark: what a Splink-style linkage costs in DuckDB alone on the same
// imported contacts (Splink itself needs PyPI, which this machine cannot reach). Lower-cased names and e-mails,
// phone digits; three blocking rules (e-mail, phone, first + last name); Jaro–Winkler and exact levels with fixed
// Fellegi–Sunter weights; links above a threshold; clusters by label propagation in SQL, as Splink clusters.
// No transliteration, no term frequencies, no training: a floor for the work, not a rival for quality.
import type { Db } from '../../src/db/database.js';

export async function duckdbBaseline(db: Db): Promise<{ pairs: number; links: number; clustered: Map<string, string> }> {
  await db.run(`CREATE OR REPLACE TEMP TABLE b_rec AS SELECT row_number() OVER () AS rid, source || ':' || source_id AS id,
    nullif(lower(trim(first_name)), '') AS first, nullif(lower(trim(last_name)), '') AS last, nullif(lower(trim(email)), '') AS email,
    nullif(right(regexp_replace(coalesce(phone, ''), '\\D', '', 'g'), 10), '') AS phone, nullif(lower(trim(city)), '') AS city FROM contacts`);
  const rules = [['email'], ['phone'], ['first', 'last']];
  await db.run(`CREATE OR REPLACE TEMP TABLE b_pairs AS SELECT DISTINCT l, r FROM (${rules
    .map((cols) => `SELECT a.rid AS l, b.rid AS r FROM b_rec a JOIN b_rec b ON ${cols.map((c) => `a.${c} = b.${c}`).join(' AND ')} AND a.rid < b.rid`)
    .join(' UNION ALL ')})`);
  const jw = (c: string, top: number, mid: number, none: number) =>
    `CASE WHEN a.${c} IS NULL OR b.${c} IS NULL THEN 0 WHEN a.${c} = b.${c} THEN ${top} WHEN jaro_winkler_similarity(a.${c}, b.${c}) >= 0.9 THEN ${mid} ELSE ${none} END`;
  const exact = (c: string, top: number, none: number) => `CASE WHEN a.${c} IS NULL OR b.${c} IS NULL THEN 0 WHEN a.${c} = b.${c} THEN ${top} ELSE ${none} END`;
  await db.run(`CREATE OR REPLACE TEMP TABLE b_links AS SELECT l, r FROM (
    SELECT p.l, p.r, -10 + ${jw('first', 6, 3, -4)} + ${jw('last', 7, 3, -5)} + ${exact('email', 14, -2)} + ${exact('phone', 14, -2)} + ${jw('city', 2, 1, -1)} AS w
    FROM b_pairs p JOIN b_rec a ON a.rid = p.l JOIN b_rec b ON b.rid = p.r) WHERE w >= 10`);
  // Connected components by label propagation (Splink's cluster_pairwise_predictions_at_threshold works the same way).
  await db.run(`CREATE OR REPLACE TEMP TABLE b_label AS SELECT rid, rid AS label FROM (SELECT l AS rid FROM b_links UNION SELECT r FROM b_links)`);
  for (let changed = 1; changed > 0; ) {
    await db.run(`CREATE OR REPLACE TEMP TABLE b_next AS SELECT x.rid, least(x.label, min(y.label)) AS label FROM b_label x
      JOIN (SELECT l AS a, r AS b FROM b_links UNION ALL SELECT r, l FROM b_links) e ON e.a = x.rid JOIN b_label y ON y.rid = e.b GROUP BY x.rid, x.label`);
    [{ changed }] = await db.all<{ changed: number }>(`SELECT count(*) AS changed FROM b_next n JOIN b_label o USING (rid) WHERE n.label <> o.label`);
    await db.run('CREATE OR REPLACE TEMP TABLE b_label AS SELECT * FROM b_next');
  }
  const [{ pairs }] = await db.all<{ pairs: number }>('SELECT count(*) AS pairs FROM b_pairs');
  const [{ links }] = await db.all<{ links: number }>('SELECT count(*) AS links FROM b_links');
  const rows = await db.all<{ id: string; label: number }>('SELECT r.id, l.label FROM b_label l JOIN b_rec r USING (rid)');
  return { pairs, links, clustered: new Map(rows.map((x) => [x.id, String(x.label)])) };
}
