-- New leads
-- Run by hand: `crmq report new-leads --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
SELECT coalesce(m.value, l.channel, '(none)') AS channel,
  count(*) AS leads,
  count(*) FILTER (WHERE s.value IN ('working', 'qualified', 'junk')) AS processed,
  count(*) FILTER (WHERE coalesce(s.value, 'new') = 'new' AND CAST(l.created_at AS DATE) < getvariable('as_of') - INTERVAL 2 DAY) AS ignored,
  count(*) FILTER (WHERE s.value = 'qualified' OR l.deal_id IS NOT NULL OR l.converted_at IS NOT NULL) AS converted,
  count(*) FILTER (WHERE s.value = 'junk') AS junk
FROM leads l
LEFT JOIN crmq_channel_map m ON m.source = l.source AND m.raw = l.channel
LEFT JOIN crmq_lead_status s ON s.source = l.source AND s.raw = l.status
WHERE in_period(l.created_at)
GROUP BY ALL ORDER BY leads DESC, channel
