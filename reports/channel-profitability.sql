-- Channel profitability by attribution model
-- Run by hand: `crmq report channel-profitability --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
WITH won AS (  -- deals won in the period (as of the as-of date), in the report currency, that have touches before the win
  SELECT d.source, d.source_id, d.amount, d.created_at, d.closed_at FROM crmq_deals_as_of d
  WHERE d.status = 'won' AND in_period(d.closed_at) AND d.currency = report_currency() AND d.amount > 0
    AND EXISTS (SELECT 1 FROM touches t WHERE t.source = d.source AND t.deal_id = d.source_id AND t.touched_at <= d.closed_at)),
t AS (
  SELECT w.source, w.source_id AS deal_id, w.amount, w.created_at AS deal_created, w.closed_at,
    coalesce(m.value, t.channel, '(none)') AS channel, t.touched_at,
    row_number() OVER (PARTITION BY w.source, w.source_id ORDER BY t.touched_at, t.source_id) AS pos,
    count(*) OVER (PARTITION BY w.source, w.source_id) AS n
  FROM won w JOIN touches t ON t.source = w.source AND t.deal_id = w.source_id AND t.touched_at <= w.closed_at
  LEFT JOIN crmq_channel_map m ON m.source = t.source AND m.raw = t.channel),
k AS (  -- W-shaped key touches: first, the last before the deal was created, the last overall
  SELECT *, max(CASE WHEN touched_at <= deal_created THEN pos END) OVER (PARTITION BY source, deal_id) AS creation_pos,
    pow(0.5, epoch(closed_at - touched_at) / 86400 / 7) AS decay FROM t),
w AS (
  SELECT *,
    coalesce(creation_pos, 1) AS cp,
    (pos = 1)::INT * 0.3 + (pos = coalesce(creation_pos, 1))::INT * 0.3 + (pos = n)::INT * 0.3 AS key_w,
    sum((pos = 1)::INT * 0.3 + (pos = coalesce(creation_pos, 1))::INT * 0.3 + (pos = n)::INT * 0.3) OVER (PARTITION BY source, deal_id) AS key_total,
    count(*) FILTER (WHERE pos <> 1 AND pos <> coalesce(creation_pos, 1) AND pos <> n) OVER (PARTITION BY source, deal_id) AS others
  FROM k),
weights AS (
  SELECT source, deal_id, amount, channel, 'first touch' AS model, (pos = 1)::DOUBLE AS wt FROM w
  UNION ALL SELECT source, deal_id, amount, channel, 'last touch', (pos = n)::DOUBLE FROM w
  UNION ALL SELECT source, deal_id, amount, channel, 'linear', 1.0 / n FROM w
  UNION ALL SELECT source, deal_id, amount, channel, 'time decay (7-day half-life)', decay / sum(decay) OVER (PARTITION BY source, deal_id) FROM w
  UNION ALL SELECT source, deal_id, amount, channel, 'position-based 40/20/40',
    CASE WHEN n = 1 THEN 1.0 WHEN n = 2 THEN 0.5 WHEN pos = 1 OR pos = n THEN 0.4 ELSE 0.2 / (n - 2) END FROM w
  UNION ALL SELECT source, deal_id, amount, channel, 'W-shaped 30/30/30/10',
    CASE WHEN others = 0 THEN key_w / key_total
         WHEN key_w > 0 THEN key_w / key_total * 0.9 ELSE 0.1 / others END FROM w),
rev AS (SELECT model, channel, round(sum(amount * wt), 6) AS revenue, round(sum(wt), 6) AS customers FROM weights GROUP BY ALL),  -- rounded past the cent: parallel sums of doubles differ in the last bits
spend AS (SELECT coalesce(m.value, a.channel, '(none)') AS channel, sum(a.amount) AS spend FROM crmq_ad_spend a
          LEFT JOIN crmq_channel_map m ON m.source = a.source AND m.raw = a.channel
          WHERE in_period(a.date) AND a.currency = report_currency() GROUP BY ALL),
models(model, ord) AS (VALUES ('first touch', 1), ('last touch', 2), ('linear', 3), ('time decay (7-day half-life)', 4), ('position-based 40/20/40', 5), ('W-shaped 30/30/30/10', 6)),
grid AS (SELECT model, ord, channel FROM models, (SELECT channel FROM rev UNION SELECT channel FROM spend))
SELECT g.model, g.channel, coalesce(s.spend, 0) AS spend, coalesce(r.revenue, 0) AS revenue,
  r.revenue / nullif(s.spend, 0) AS roas, (coalesce(r.revenue, 0) - s.spend) / nullif(s.spend, 0) AS romi,
  coalesce(r.customers, 0) AS customers, s.spend / nullif(r.customers, 0) AS cac, report_currency() AS currency
FROM grid g LEFT JOIN rev r USING (model, channel) LEFT JOIN spend s USING (channel)
ORDER BY g.channel, g.ord
