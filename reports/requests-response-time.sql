-- Requests and response time
-- Run by hand: `crmq report requests-response-time --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
WITH inbound AS (SELECT * FROM activities WHERE direction = 'in' AND in_period(created_at)),
outbound AS (SELECT source, deal_id, contact_id, lead_id, created_at FROM activities WHERE direction = 'out' AND CAST(created_at AS DATE) <= getvariable('as_of')),
-- The first outbound activity after each request on the same deal, contact or lead (ASOF joins: set-based, no per-row search).
by_deal AS (SELECT i.source, i.source_id, o.created_at AS reply_at FROM inbound i ASOF JOIN (SELECT * FROM outbound WHERE deal_id IS NOT NULL) o
  ON o.source = i.source AND o.deal_id = i.deal_id AND o.created_at > i.created_at),
by_contact AS (SELECT i.source, i.source_id, o.created_at AS reply_at FROM inbound i ASOF JOIN (SELECT * FROM outbound WHERE contact_id IS NOT NULL) o
  ON o.source = i.source AND o.contact_id = i.contact_id AND o.created_at > i.created_at),
by_lead AS (SELECT i.source, i.source_id, o.created_at AS reply_at FROM inbound i ASOF JOIN (SELECT * FROM outbound WHERE lead_id IS NOT NULL) o
  ON o.source = i.source AND o.lead_id = i.lead_id AND o.created_at > i.created_at),
answered AS (SELECT source, source_id, min(reply_at) AS answered_at FROM (SELECT * FROM by_deal UNION ALL SELECT * FROM by_contact UNION ALL SELECT * FROM by_lead) GROUP BY ALL),
requests AS (SELECT i.*, a.answered_at FROM inbound i LEFT JOIN answered a USING (source, source_id))
SELECT coalesce(channel, type, '(none)') AS channel, count(*) AS received, count(answered_at) AS answered, count(*) - count(answered_at) AS unanswered,
  round(median(epoch(answered_at - created_at) / 60), 0) AS median_minutes,
  round(avg(date_diff('microsecond', created_at, answered_at)) / 60e6, 0) AS average_minutes,
  round(median(business_minutes(created_at, answered_at)), 0) AS median_business_minutes
FROM requests GROUP BY ALL ORDER BY received DESC, channel
