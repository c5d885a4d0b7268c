-- Channel conversion
-- Run by hand: `crmq report channel-conversion --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- One currency (report_currency()): spend and deals in it; deals of other currencies are left out and the currency check says so.
WITH l AS (SELECT coalesce(m.value, l.channel, '(none)') AS channel, l.* EXCLUDE (channel) FROM leads l LEFT JOIN crmq_channel_map m ON m.source = l.source AND m.raw = l.channel WHERE in_period(l.created_at)),
d AS (SELECT coalesce(m.value, d.channel, '(none)') AS channel, d.* EXCLUDE (channel) FROM crmq_deals_as_of d LEFT JOIN crmq_channel_map m ON m.source = d.source AND m.raw = d.channel
      WHERE in_period(d.created_at) AND d.currency = report_currency()),
s AS (SELECT coalesce(m.value, a.channel, '(none)') AS channel, sum(a.amount) AS spend FROM crmq_ad_spend a LEFT JOIN crmq_channel_map m ON m.source = a.source AND m.raw = a.channel
      WHERE in_period(a.date) AND a.currency = report_currency() GROUP BY ALL),
ch AS (SELECT channel FROM l UNION SELECT channel FROM d UNION SELECT channel FROM s)
SELECT channel, leads, deals, won, spend, spend / nullif(leads, 0) AS cost_per_lead, deals / nullif(leads, 0) AS lead_to_deal,
  won / nullif(leads, 0) AS lead_to_won, report_currency() AS currency
FROM (
  SELECT ch.channel,
    (SELECT count(*) FROM l WHERE l.channel = ch.channel) AS leads,
    (SELECT count(*) FROM d WHERE d.channel = ch.channel) AS deals,
    (SELECT count(*) FROM d WHERE d.channel = ch.channel AND d.status = 'won') AS won,
    coalesce(s.spend, 0) AS spend
  FROM ch LEFT JOIN s USING (channel))
ORDER BY leads DESC, channel
