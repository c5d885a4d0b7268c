-- Receivables aging
-- Run by hand: `crmq report receivables-aging --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Invoices issued and payments made by the as-of date; amounts that are error-severity outliers left out (crmq_invoices, crmq_payments).
-- A payment pays its invoice only in the invoice's currency (one in another currency is left out, and coverage says so).
WITH paid AS (
  SELECT source, invoice_id, currency, sum(amount) AS paid FROM crmq_payments WHERE CAST(paid_at AS DATE) <= getvariable('as_of') GROUP BY ALL),
open AS (
  SELECT i.source, i.source_id, i.currency, i.amount - coalesce(p.paid, 0) AS balance, getvariable('as_of') - CAST(i.due_at AS DATE) AS days_past_due
  FROM crmq_invoices i LEFT JOIN paid p ON p.source = i.source AND p.invoice_id = i.source_id AND p.currency IS NOT DISTINCT FROM i.currency
  WHERE CAST(i.issued_at AS DATE) <= getvariable('as_of') AND i.amount - coalesce(p.paid, 0) > 0),
buckets(bucket, ord, lo, hi) AS (VALUES ('current', 1, -100000, 0), ('1-30', 2, 1, 30), ('31-60', 3, 31, 60), ('61-90', 4, 61, 90), ('90+', 5, 91, 100000))
SELECT b.bucket, o.currency, count(o.source_id) AS invoices, coalesce(sum(o.balance), 0) AS amount
FROM buckets b JOIN open o ON coalesce(o.days_past_due, 0) BETWEEN b.lo AND b.hi
GROUP BY b.bucket, b.ord, o.currency
ORDER BY o.currency, b.ord
