-- New deals by budget
-- Run by hand: `crmq report new-deals-by-budget --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Deals created in the period (as of the as-of date); an amount that is an error-severity outlier goes to its own row, not a band.
WITH bands(band, ord, lo, hi) AS (VALUES ('under 10k', 1, 0, 10000), ('10k–50k', 2, 10000, 50000), ('50k–100k', 3, 50000, 100000),
  ('100k–500k', 4, 100000, 500000), ('500k–1M', 5, 500000, 1000000), ('1M and more', 6, 1000000, 1e18)),
d AS (SELECT *, crmq_left_out('deals', source, source_id) AS implausible FROM crmq_deals_as_of WHERE in_period(created_at))
SELECT b.band, b.ord, d.currency, count(*) AS deals, sum(d.amount) AS amount
FROM d JOIN bands b ON d.amount >= b.lo AND d.amount < b.hi
GROUP BY ALL
UNION ALL
SELECT CASE WHEN implausible THEN '(implausible amount, left out)' ELSE '(no amount)' END, CASE WHEN implausible THEN 7 ELSE 0 END, currency, count(*), NULL
FROM d WHERE amount IS NULL GROUP BY ALL
ORDER BY currency, ord
