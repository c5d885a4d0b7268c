-- Pipeline forecast
-- Run by hand: `crmq report pipeline-forecast --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Deals as they stood on the as-of date (crmq_deals_as_of): open then, whatever they are now.
WITH open AS (
  SELECT d.*, coalesce(d.probability, m.probability) AS p, coalesce(d.expected_close_at, d.closed_at) AS due
  FROM crmq_deals_as_of d LEFT JOIN crmq_stage_map m ON m.source = d.source AND m.stage = d.stage
  WHERE d.status = 'open')
SELECT coalesce(strftime(due, '%Y-%m'), '(no date)') AS close_month,
  coalesce(forecast_category, CASE WHEN p >= 80 THEN 'commit' WHEN p >= 40 THEN 'best case' WHEN p IS NOT NULL THEN 'pipeline' END, '(unknown stage)') AS forecast_category,
  currency, count(*) AS deals, coalesce(sum(amount), 0) AS amount, coalesce(round(sum(amount * p / 100), 2), 0) AS weighted,
  count(*) FILTER (WHERE CAST(due AS DATE) < getvariable('as_of')) AS pushed_or_overdue
FROM open GROUP BY ALL ORDER BY close_month, forecast_category, currency
