-- Calls by manager
-- Run by hand: `crmq report calls-by-manager --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
SELECT coalesce(owner, '(no owner)') AS owner, coalesce(outcome, '(none)') AS outcome,
  count(*) AS calls, round(sum(coalesce(duration_sec, 0)) / 60.0, 1) AS talk_minutes,
  round(avg(duration_sec) / 60.0, 1) AS average_minutes
FROM activities
WHERE type = 'call' AND in_period(coalesce(done_at, created_at))
GROUP BY ALL
ORDER BY owner, calls DESC
