-- Tasks by owner
-- Run by hand: `crmq report tasks-by-owner --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
SELECT coalesce(owner, '(no owner)') AS owner,
  count(*) FILTER (WHERE done_at IS NOT NULL AND in_period(done_at)) AS done,
  count(*) FILTER (WHERE done_at IS NULL OR CAST(done_at AS DATE) > getvariable('as_of')) AS open,
  count(*) FILTER (WHERE (done_at IS NULL OR CAST(done_at AS DATE) > getvariable('as_of')) AND CAST(due_at AS DATE) < getvariable('as_of')) AS overdue
FROM activities
WHERE type = 'task' AND CAST(created_at AS DATE) <= getvariable('as_of')
GROUP BY ALL
ORDER BY overdue DESC, owner
