-- Income and expense
-- Run by hand: `crmq report income-expense --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- By month; error-severity outlier amounts left out (crmq_transactions).
WITH t AS (SELECT * FROM crmq_transactions WHERE in_period(date) AND direction IN ('income', 'expense') AND amount IS NOT NULL)
SELECT strftime(date, '%Y-%m') AS month, direction, coalesce(category, '(none)') AS category, currency, sum(amount) AS amount,
  sum(amount) / sum(sum(amount)) OVER (PARTITION BY strftime(date, '%Y-%m'), direction, currency) AS share
FROM t GROUP BY strftime(date, '%Y-%m'), direction, coalesce(category, '(none)'), currency
UNION ALL
SELECT strftime(date, '%Y-%m'), 'margin', 'income − expense', currency,
  sum(CASE direction WHEN 'income' THEN amount ELSE -amount END),
  sum(CASE direction WHEN 'income' THEN amount ELSE -amount END) / nullif(sum(amount) FILTER (WHERE direction = 'income'), 0)
FROM t GROUP BY strftime(date, '%Y-%m'), currency
ORDER BY month, direction DESC, amount DESC, category, currency
