-- Sales velocity
-- Run by hand: `crmq report sales-velocity --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Per currency, deals as of the as-of date (crmq_deals_as_of).
WITH d AS (SELECT * FROM crmq_deals_as_of WHERE currency IS NOT NULL),
by_cur AS (
  SELECT currency,
    count(*) FILTER (WHERE in_period(created_at)) AS opportunities,
    count(*) FILTER (WHERE status = 'won' AND in_period(closed_at)) AS won,
    count(*) FILTER (WHERE status IN ('won', 'lost') AND in_period(closed_at)) AS closed,
    avg(amount) FILTER (WHERE status = 'won' AND in_period(closed_at)) AS average_won,
    avg(date_diff('microsecond', created_at, closed_at)) FILTER (WHERE status = 'won' AND in_period(closed_at) AND closed_at >= created_at) / 86400e6 AS cycle_days
  FROM d GROUP BY currency)
SELECT currency, opportunities, won / nullif(closed, 0) AS win_rate, average_won, round(cycle_days, 1) AS cycle_days,
  opportunities * (won / nullif(closed, 0)) * average_won / nullif(cycle_days, 0) AS velocity_per_day
FROM by_cur WHERE opportunities > 0 OR closed > 0 ORDER BY currency
