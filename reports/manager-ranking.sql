-- Manager ranking
-- Run by hand: `crmq report manager-ranking --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Deals as of the as-of date in one currency (report_currency()); the currency check says what is left out.
-- One pass over the leads and one over the deals, grouped by owner (a correlated count per owner and figure ran five
-- hash aggregates per report); owners with no deal or no lead count 0.
WITH d AS (SELECT * FROM crmq_deals_as_of WHERE currency = report_currency()),
l AS (SELECT owner, count(*) AS leads FROM leads WHERE in_period(created_at) GROUP BY owner),
dd AS (
  SELECT owner,
    count(*) FILTER (WHERE in_period(created_at)) AS deals,
    count(*) FILTER (WHERE status = 'won' AND in_period(closed_at)) AS won_deals,
    coalesce(sum(amount) FILTER (WHERE status = 'won' AND in_period(closed_at)), 0) AS won_amount,
    count(*) FILTER (WHERE status IN ('won', 'lost') AND in_period(closed_at)) AS closed
  FROM d WHERE in_period(created_at) OR (status IN ('won', 'lost') AND in_period(closed_at)) GROUP BY owner),
owners AS (SELECT owner FROM dd UNION SELECT owner FROM l)
SELECT owner, leads, deals, won_deals, won_amount, won_amount / nullif(won_deals, 0) AS average_check, won_deals / nullif(closed, 0) AS win_rate, report_currency() AS currency
FROM (
  SELECT
    coalesce(o.owner, '(no owner)') AS owner,
    coalesce(l.leads, 0) AS leads,
    coalesce(dd.deals, 0) AS deals,
    coalesce(dd.won_deals, 0) AS won_deals,
    coalesce(dd.won_amount, 0) AS won_amount,
    coalesce(dd.closed, 0) AS closed
  FROM owners o
  LEFT JOIN l ON l.owner IS NOT DISTINCT FROM o.owner
  LEFT JOIN dd ON dd.owner IS NOT DISTINCT FROM o.owner)
ORDER BY won_amount DESC, owner
