-- Products
-- Run by hand: `crmq report products --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Lines of deals created in the period (as of the as-of date); line amounts that are error-severity outliers left out (crmq_deal_items).
WITH bands(price_band, ord, lo, hi) AS (VALUES ('under 10k', 1, 0, 10000), ('10k–100k', 2, 10000, 100000), ('100k–500k', 3, 100000, 500000), ('500k and more', 4, 500000, 1e18)),
i AS (
  SELECT i.*, coalesce(p.type, '(unknown)') AS product_type FROM crmq_deal_items i
  JOIN crmq_deals_as_of d ON d.source = i.source AND d.source_id = i.deal_id
  LEFT JOIN products p ON p.source = i.source AND p.source_id = i.product_id
  WHERE in_period(d.created_at))
SELECT product_type, b.price_band, b.ord, i.currency, count(*) AS lines, sum(coalesce(quantity, 1)) AS quantity, sum(coalesce(amount, price * coalesce(quantity, 1))) AS amount
FROM i JOIN bands b ON coalesce(i.price, 0) >= b.lo AND coalesce(i.price, 0) < b.hi
GROUP BY ALL ORDER BY product_type, ord, currency
