-- Deal distribution
-- Run by hand: `crmq report deal-distribution --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
SELECT 'deal' AS kind, coalesce(m.value, d.stage, '(none)') AS stage, coalesce(d.pipeline, '(none)') AS pipeline, d.currency,
  count(*) AS records, coalesce(sum(d.amount), 0) AS amount
FROM deals d LEFT JOIN crmq_stage_map m ON m.source = d.source AND m.stage = d.stage
WHERE in_period(d.created_at) GROUP BY ALL
UNION ALL
SELECT 'lead', coalesce(s.value, l.status, '(none)'), '(leads)', l.currency, count(*), coalesce(sum(l.amount), 0)
FROM leads l LEFT JOIN crmq_lead_status s ON s.source = l.source AND s.raw = l.status
WHERE in_period(l.created_at) GROUP BY ALL
UNION ALL
SELECT 'request', coalesce(a.channel, a.type, '(none)'), '(inbound)', NULL, count(*), 0
FROM activities a WHERE a.direction = 'in' AND in_period(a.created_at) GROUP BY ALL
ORDER BY kind, records DESC
