-- Pipeline forecast
-- Run by hand: `crmq report pipeline-forecast --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
WITH open AS (
  SELECT d.*, coalesce(d.probability, m.probability) AS p, coalesce(d.expected_close_at, d.closed_at) AS due
  FROM deals d LEFT JOIN crmq_stage_map m ON m.source = d.source AND m.stage = d.stage
  WHERE d.status = 'open' AND CAST(d.created_at AS DATE) <= getvariable('as_of'))
SELECT coalesce(strftime(due, '%Y-%m'), '(no date)') AS close_month,
  coalesce(forecast_category, CASE WHEN p >= 80 THEN 'commit' WHEN p >= 40 THEN 'best case' ELSE 'pipeline' END, 'pipeline') AS forecast_category,
  currency, count(*) AS deals, coalesce(sum(amount), 0) AS amount, coalesce(sum(amount * p / 100), 0) AS weighted,
  count(*) FILTER (WHERE CAST(due AS DATE) < getvariable('as_of')) AS pushed_or_overdue
FROM open GROUP BY ALL ORDER BY close_month, forecast_category
