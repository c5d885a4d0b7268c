-- Lost revenue
-- Run by hand: `crmq report lost-revenue --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
WITH lost AS (SELECT * FROM deals WHERE status = 'lost' AND in_period(closed_at)),
h AS (  -- stage history in canonical stages, repeated same-stage rows collapsed
  SELECT * FROM (
    SELECT h.source, h.deal_id, m.value AS stage, m.ord, h.entered_at,
      lag(m.value) OVER (PARTITION BY h.source, h.deal_id ORDER BY h.entered_at, h.source_id) AS prev
    FROM deal_stage_history h JOIN crmq_stage_map m ON m.source = h.source AND m.stage = h.stage)
  WHERE prev IS DISTINCT FROM stage),
v AS (  -- each visit to a stage, with the next stage and when it began
  SELECT *, lead(stage) OVER w AS next_stage, lead(ord) OVER w AS next_ord, lead(entered_at) OVER w AS left_at
  FROM h WINDOW w AS (PARTITION BY source, deal_id ORDER BY entered_at)),
last_stage AS (  -- the last stage a lost deal was in before it was lost
  SELECT source, deal_id, arg_max(stage, entered_at) AS stage FROM v WHERE stage NOT IN ('won', 'lost') GROUP BY ALL)
SELECT coalesce(l.lost_reason, '(no reason given)') AS lost_reason, coalesce(s.stage, '(unknown)') AS lost_at_stage, l.currency,
  count(*) AS deals, coalesce(sum(l.amount), 0) AS amount
FROM lost l LEFT JOIN last_stage s ON s.source = l.source AND s.deal_id = l.source_id
GROUP BY ALL ORDER BY amount DESC
