-- Calls and e-mails
-- Run by hand: `crmq report calls-and-emails --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
-- A call counts, with its talk time, once it has been held (done by the as-of date); calls not held yet are counted apart.
WITH a AS (SELECT *, done_at IS NOT NULL AND CAST(done_at AS DATE) <= getvariable('as_of') AS held FROM activities
  WHERE type IN ('call', 'email') AND in_period(coalesce(done_at, created_at)))
SELECT CAST(coalesce(done_at, created_at) AS DATE) AS day, coalesce(owner, '(no owner)') AS owner,
  count(*) FILTER (WHERE type = 'call' AND held) AS calls,
  count(*) FILTER (WHERE type = 'call' AND NOT held) AS calls_not_held,
  round(sum(coalesce(duration_sec, 0)) FILTER (WHERE type = 'call' AND held) / 60.0, 1) AS talk_minutes,
  count(*) FILTER (WHERE type = 'email' AND direction = 'out') AS emails_sent,
  count(*) FILTER (WHERE type = 'email' AND direction = 'out' AND status IN ('delivered', 'opened', 'answered')) AS delivered,
  count(*) FILTER (WHERE type = 'email' AND direction = 'out' AND status IN ('opened', 'answered')) AS opened,
  count(*) FILTER (WHERE type = 'email' AND direction = 'out' AND status = 'answered') AS answered,
  count(*) FILTER (WHERE type = 'email' AND direction = 'out' AND status = 'bounced') AS bounced
FROM a
GROUP BY ALL ORDER BY day, owner
