-- Lost revenue
-- Run by hand: `crmq report lost-revenue --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Deals lost in the period as of the as-of date; their last stage from the stage visits up to it.
WITH lost AS (SELECT * FROM crmq_deals_as_of WHERE status = 'lost' AND in_period(closed_at)),
v AS (SELECT * FROM crmq_stage_visits),
last_stage AS (  -- the last stage a lost deal was in before it was lost
  SELECT source, deal_id, arg_max(stage, entered_at) AS stage FROM v WHERE stage NOT IN ('won', 'lost') GROUP BY ALL)
SELECT coalesce(l.lost_reason, '(no reason given)') AS lost_reason, coalesce(s.stage, '(unknown)') AS lost_at_stage, l.currency,
  count(*) AS deals, sum(l.amount) AS amount
FROM lost l LEFT JOIN last_stage s ON s.source = l.source AND s.deal_id = l.source_id
GROUP BY ALL ORDER BY amount DESC NULLS LAST, lost_reason, lost_at_stage, currency
