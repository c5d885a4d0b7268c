-- Inbound channels
-- Run by hand: `crmq report inbound-channels --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
SELECT coalesce(channel, type, '(none)') AS channel, count(*) AS requests,
  count(*) FILTER (WHERE done_at IS NOT NULL OR status IN ('done', 'answered')) AS handled,
  count(*) FILTER (WHERE NOT (done_at IS NOT NULL OR status IN ('done', 'answered'))) AS unhandled,
  count(*) FILTER (WHERE done_at IS NOT NULL OR status IN ('done', 'answered')) / count(*) AS handled_share,
  round(median(epoch(done_at - created_at) / 60), 0) AS median_minutes_to_handle
FROM activities WHERE direction = 'in' AND in_period(created_at)
GROUP BY ALL ORDER BY requests DESC
