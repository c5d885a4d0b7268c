-- Sales cycle
-- Run by hand: `crmq report sales-cycle --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Deals won in the period as of the as-of date; a deal closed before it was created is left out (coverage says so).
SELECT coalesce(owner, '(no owner)') AS owner, coalesce(pipeline, '(none)') AS pipeline, count(*) AS won_deals,
  round(avg(date_diff('microsecond', created_at, closed_at)) / 86400e6, 1) AS average_days,
  round(median(epoch(closed_at - created_at) / 86400), 1) AS median_days
FROM crmq_deals_as_of
WHERE status = 'won' AND in_period(closed_at) AND created_at IS NOT NULL AND closed_at >= created_at
GROUP BY ALL ORDER BY owner, pipeline
