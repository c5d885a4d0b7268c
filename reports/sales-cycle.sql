-- Sales cycle
-- Run by hand: `crmq report sales-cycle --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
SELECT coalesce(owner, '(no owner)') AS owner, coalesce(pipeline, '(none)') AS pipeline, count(*) AS won_deals,
  round(avg(epoch(closed_at - created_at) / 86400), 1) AS average_days,
  round(median(epoch(closed_at - created_at) / 86400), 1) AS median_days
FROM deals
WHERE status = 'won' AND in_period(closed_at) AND created_at IS NOT NULL AND closed_at >= created_at
GROUP BY ALL ORDER BY owner, pipeline
