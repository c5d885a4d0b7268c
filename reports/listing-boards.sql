-- Listing boards
-- Run by hand: `crmq report listing-boards --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- One currency (report_currency()) for spend and deals; deals as of the as-of date.
WITH boards AS (SELECT DISTINCT source, raw FROM crmq_channel_map WHERE value = 'listing'),
s AS (SELECT a.channel AS board, sum(a.amount) AS spend FROM crmq_ad_spend a JOIN boards b ON b.source = a.source AND b.raw = a.channel
      WHERE in_period(a.date) AND a.currency = report_currency() GROUP BY ALL),
l AS (SELECT l.channel AS board, count(*) AS leads FROM leads l JOIN boards b ON b.source = l.source AND b.raw = l.channel WHERE in_period(l.created_at) GROUP BY ALL),
d AS (SELECT d.channel AS board, count(*) AS deals, count(*) FILTER (WHERE status = 'won') AS won FROM crmq_deals_as_of d JOIN boards b ON b.source = d.source AND b.raw = d.channel
      WHERE in_period(d.created_at) AND d.currency = report_currency() GROUP BY ALL)
SELECT board, coalesce(spend, 0) AS spend, coalesce(leads, 0) AS leads, coalesce(deals, 0) AS deals, coalesce(won, 0) AS won,
  spend / nullif(leads, 0) AS cost_per_lead, spend / nullif(deals, 0) AS cost_per_deal, report_currency() AS currency
FROM s FULL JOIN l USING (board) FULL JOIN d USING (board) ORDER BY spend DESC NULLS LAST, board
