-- New deals by budget
-- Run by hand: `crmq report new-deals-by-budget --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
WITH bands(band, ord, lo, hi) AS (VALUES ('under 10k', 1, 0, 10000), ('10k–50k', 2, 10000, 50000), ('50k–100k', 3, 50000, 100000),
  ('100k–500k', 4, 100000, 500000), ('500k–1M', 5, 500000, 1000000), ('1M and more', 6, 1000000, 1e18)),
d AS (SELECT * FROM deals WHERE in_period(created_at))
SELECT b.band, b.ord, d.currency, count(*) AS deals, sum(d.amount) AS amount
FROM d JOIN bands b ON d.amount >= b.lo AND d.amount < b.hi
GROUP BY ALL
UNION ALL
SELECT '(no amount)', 0, currency, count(*), 0 FROM d WHERE amount IS NULL GROUP BY ALL
ORDER BY currency, ord
