-- Income and expense
-- Run by hand: `crmq report income-expense --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
WITH t AS (SELECT * FROM transactions WHERE in_period(date) AND direction IN ('income', 'expense'))
SELECT year(date) AS year, direction, coalesce(category, '(none)') AS category, currency, sum(amount) AS amount,
  sum(amount) / sum(sum(amount)) OVER (PARTITION BY year(date), direction, currency) AS share
FROM t GROUP BY year(date), direction, coalesce(category, '(none)'), currency
UNION ALL
SELECT year(date), 'margin', 'income − expense', currency,
  sum(CASE direction WHEN 'income' THEN amount ELSE -amount END),
  sum(CASE direction WHEN 'income' THEN amount ELSE -amount END) / nullif(sum(amount) FILTER (WHERE direction = 'income'), 0)
FROM t GROUP BY year(date), currency
ORDER BY year, direction DESC, amount DESC
