-- Manager ranking
-- Run by hand: `crmq report manager-ranking --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Deals as of the as-of date in one currency (report_currency()); the currency check says what is left out.
WITH d AS (SELECT * FROM crmq_deals_as_of WHERE currency = report_currency()),
owners AS (
  SELECT owner FROM d WHERE in_period(created_at) OR (status IN ('won', 'lost') AND in_period(closed_at))
  UNION SELECT owner FROM leads WHERE in_period(created_at))
SELECT owner, leads, deals, won_deals, won_amount, won_amount / nullif(won_deals, 0) AS average_check, won_deals / nullif(closed, 0) AS win_rate, report_currency() AS currency
FROM (
  SELECT
    coalesce(o.owner, '(no owner)') AS owner,
    (SELECT count(*) FROM leads l WHERE l.owner IS NOT DISTINCT FROM o.owner AND in_period(l.created_at)) AS leads,
    (SELECT count(*) FROM d WHERE d.owner IS NOT DISTINCT FROM o.owner AND in_period(d.created_at)) AS deals,
    (SELECT count(*) FROM d WHERE d.owner IS NOT DISTINCT FROM o.owner AND d.status = 'won' AND in_period(d.closed_at)) AS won_deals,
    (SELECT coalesce(sum(amount), 0) FROM d WHERE d.owner IS NOT DISTINCT FROM o.owner AND d.status = 'won' AND in_period(d.closed_at)) AS won_amount,
    (SELECT count(*) FROM d WHERE d.owner IS NOT DISTINCT FROM o.owner AND d.status IN ('won', 'lost') AND in_period(d.closed_at)) AS closed
  FROM owners o)
ORDER BY won_amount DESC, owner
