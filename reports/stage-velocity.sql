-- Stage velocity
-- Run by hand: `crmq report stage-velocity --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Stage visits up to the as-of date, of the deals there are (crmq_stage_visits): a visit still open on that date has not left.
WITH v AS (SELECT * FROM crmq_stage_visits)
SELECT stage, any_value(ord) AS ord, count(*) AS visits,
  count(left_at) AS completed,
  round(avg(date_diff('microsecond', entered_at, left_at)) / 86400e6, 1) AS average_days,
  round(median(epoch(left_at - entered_at) / 86400), 1) AS median_days,
  round(quantile_cont(epoch(left_at - entered_at) / 86400, 0.9), 1) AS p90_days,
  count(*) FILTER (WHERE left_at IS NULL) AS still_in_stage
FROM v
WHERE stage NOT IN ('won', 'lost') AND in_period(entered_at)
GROUP BY stage ORDER BY ord
