-- Stage velocity
-- Run by hand: `crmq report stage-velocity --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
WITH h AS (  -- stage history in canonical stages, repeated same-stage rows collapsed
  SELECT * FROM (
    SELECT h.source, h.deal_id, m.value AS stage, m.ord, h.entered_at,
      lag(m.value) OVER (PARTITION BY h.source, h.deal_id ORDER BY h.entered_at, h.source_id) AS prev
    FROM deal_stage_history h JOIN crmq_stage_map m ON m.source = h.source AND m.stage = h.stage)
  WHERE prev IS DISTINCT FROM stage),
v AS (  -- each visit to a stage, with the next stage and when it began
  SELECT *, lead(stage) OVER w AS next_stage, lead(ord) OVER w AS next_ord, lead(entered_at) OVER w AS left_at
  FROM h WINDOW w AS (PARTITION BY source, deal_id ORDER BY entered_at))
SELECT stage, any_value(ord) AS ord, count(*) AS visits,
  count(left_at) AS completed,
  round(avg(epoch(left_at - entered_at) / 86400), 1) AS average_days,
  round(median(epoch(left_at - entered_at) / 86400), 1) AS median_days,
  round(quantile_cont(epoch(left_at - entered_at) / 86400, 0.9), 1) AS p90_days,
  count(*) FILTER (WHERE left_at IS NULL) AS still_in_stage
FROM v
WHERE stage NOT IN ('won', 'lost') AND in_period(entered_at)
GROUP BY stage ORDER BY ord
