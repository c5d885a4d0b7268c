-- Inbound channels
-- Run by hand: `crmq report inbound-channels --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Handled: done (by the as-of date) or marked done/answered.
SELECT coalesce(channel, type, '(none)') AS channel, count(*) AS requests,
  count(*) FILTER (WHERE h) AS handled,
  count(*) FILTER (WHERE NOT h) AS unhandled,
  count(*) FILTER (WHERE h) / count(*) AS handled_share,
  round(median(epoch(done_at - created_at) / 60) FILTER (WHERE h AND done_at IS NOT NULL), 0) AS median_minutes_to_handle
FROM (SELECT *, coalesce(CAST(done_at AS DATE) <= getvariable('as_of'), FALSE) OR coalesce(status IN ('done', 'answered'), FALSE) AS h FROM activities
      WHERE direction = 'in' AND in_period(created_at))
GROUP BY ALL ORDER BY requests DESC, channel
