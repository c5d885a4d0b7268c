-- Revenue: plan vs actual
-- Run by hand: `crmq report revenue-plan-vs-actual --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Deals as of the as-of date (crmq_deals_as_of): a deal won after it is not actual yet.
WITH d AS (
  SELECT d.*, coalesce(d.probability, CASE d.status WHEN 'won' THEN 100 WHEN 'lost' THEN 0 END, m.probability) AS p
  FROM crmq_deals_as_of d LEFT JOIN crmq_stage_map m ON m.source = d.source AND m.stage = d.stage
  WHERE d.currency IS NOT NULL)
SELECT currency,
  count(*) FILTER (WHERE in_period(coalesce(expected_close_at, closed_at))) AS deals_due,
  -- amount × probability is a double: rounded to the cent, so the same data gives the same figures (parallel sums differ in the last bits)
  coalesce(round(sum(amount * p / 100) FILTER (WHERE in_period(coalesce(expected_close_at, closed_at))), 2), 0) AS expected,
  coalesce(sum(amount) FILTER (WHERE status = 'won' AND in_period(closed_at)), 0) AS actual,
  actual - expected AS difference,
  actual / nullif(expected, 0) AS attainment
FROM d GROUP BY currency HAVING deals_due > 0 OR actual > 0 ORDER BY currency
