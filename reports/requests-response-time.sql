-- Requests and response time
-- Run by hand: `crmq report requests-response-time --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
WITH inbound AS (
  SELECT a.*, (SELECT min(o.created_at) FROM activities o WHERE o.source = a.source AND o.direction = 'out' AND o.created_at > a.created_at
      AND ((a.deal_id IS NOT NULL AND o.deal_id = a.deal_id) OR (a.contact_id IS NOT NULL AND o.contact_id = a.contact_id) OR (a.lead_id IS NOT NULL AND o.lead_id = a.lead_id))) AS answered_at
  FROM activities a WHERE a.direction = 'in' AND in_period(a.created_at))
SELECT coalesce(channel, type, '(none)') AS channel, count(*) AS received, count(answered_at) AS answered, count(*) - count(answered_at) AS unanswered,
  round(median(epoch(answered_at - created_at) / 60), 0) AS median_minutes,
  round(avg(epoch(answered_at - created_at) / 60), 0) AS average_minutes,
  round(median(business_minutes(created_at, answered_at)), 0) AS median_business_minutes
FROM inbound GROUP BY ALL ORDER BY received DESC
