-- Funnel
-- Run by hand: `crmq report funnel --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Stage visits and deal statuses as of the as-of date (crmq_stage_visits, crmq_deals_as_of).
WITH v AS (SELECT * FROM crmq_stage_visits),
outcome AS (
  SELECT v.stage, v.ord,
    CASE WHEN v.next_stage = 'lost' THEN 'lost'
         WHEN v.next_stage IS NULL AND d.status = 'lost' THEN 'lost'
         WHEN v.next_ord > v.ord THEN 'advanced'
         WHEN v.next_stage IS NULL AND d.status = 'won' THEN 'advanced'
         WHEN v.next_ord < v.ord THEN 'moved_back'
         ELSE 'still_there' END AS outcome,
    v.next_stage IS NULL AND coalesce(d.status, 'open') = 'open' AND v.entered_at < getvariable('as_of') - INTERVAL 30 DAY AS stalled
  FROM v JOIN crmq_deals_as_of d ON d.source = v.source AND d.source_id = v.deal_id
  WHERE v.stage NOT IN ('won', 'lost') AND in_period(v.entered_at))
SELECT stage, any_value(ord) AS ord, count(*) AS entered,
  count(*) FILTER (WHERE outcome = 'advanced') AS advanced,
  count(*) FILTER (WHERE outcome = 'lost') AS lost,
  count(*) FILTER (WHERE outcome = 'moved_back') AS moved_back,
  count(*) FILTER (WHERE outcome = 'still_there') AS still_there,
  count(*) FILTER (WHERE outcome = 'advanced') / count(*) AS conversion_to_next,
  count(*) FILTER (WHERE stalled) AS stalled_30_days
FROM outcome GROUP BY stage ORDER BY ord
