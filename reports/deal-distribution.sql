-- Deal distribution
-- Run by hand: `crmq report deal-distribution --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Deals as of the as-of date; amounts of error-severity outliers left out (crmq_deals_as_of, crmq_leads); requests have no amount.
SELECT 'deal' AS kind, coalesce(m.value, d.stage, '(none)') AS stage, coalesce(d.pipeline, '(none)') AS pipeline, d.currency,
  count(*) AS records, sum(d.amount) AS amount
FROM crmq_deals_as_of d LEFT JOIN crmq_stage_map m ON m.source = d.source AND m.stage = d.stage
WHERE in_period(d.created_at) GROUP BY ALL
UNION ALL
SELECT 'lead', coalesce(s.value, l.status, '(none)'), '(leads)', l.currency, count(*), sum(l.amount)
FROM crmq_leads l LEFT JOIN crmq_lead_status s ON s.source = l.source AND s.raw = l.status
WHERE in_period(l.created_at) GROUP BY ALL
UNION ALL
SELECT 'request', coalesce(a.channel, a.type, '(none)'), '(inbound)', NULL, count(*), NULL
FROM activities a WHERE a.direction = 'in' AND in_period(a.created_at) GROUP BY ALL
ORDER BY kind, records DESC, stage, pipeline, currency
