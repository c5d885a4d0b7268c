-- Calls by manager
-- Run by hand: `crmq report calls-by-manager --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- Held calls (done by the as-of date) by outcome, with talk time; calls not held yet in one row per owner, without talk time.
WITH c AS (SELECT *, done_at IS NOT NULL AND CAST(done_at AS DATE) <= getvariable('as_of') AS held FROM activities
  WHERE type = 'call' AND in_period(coalesce(done_at, created_at)))
SELECT coalesce(owner, '(no owner)') AS owner, CASE WHEN held THEN coalesce(outcome, '(none)') ELSE '(not held yet)' END AS outcome,
  count(*) AS calls,
  CASE WHEN bool_and(held) THEN round(sum(coalesce(duration_sec, 0)) / 60.0, 1) END AS talk_minutes,
  CASE WHEN bool_and(held) THEN round(avg(duration_sec) / 60.0, 1) END AS average_minutes
FROM c
GROUP BY ALL
ORDER BY owner, calls DESC, outcome
