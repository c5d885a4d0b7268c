-- Data quality
-- Run by hand: `crmq report data-quality --sql` prints the setup (period variables, macros, stage and channel maps) and this query.
WITH f AS (SELECT * FROM latest_findings),
owners AS (
  SELECT 'contacts' AS entity, source, source_id, owner FROM contacts UNION ALL SELECT 'deals', source, source_id, owner FROM deals
  UNION ALL SELECT 'leads', source, source_id, owner FROM leads UNION ALL SELECT 'companies', source, source_id, owner FROM companies
  UNION ALL SELECT 'activities', source, source_id, owner FROM activities),
sizes AS (
  SELECT 'contacts' AS entity, source, count(*) AS n FROM contacts GROUP BY ALL UNION ALL SELECT 'deals', source, count(*) FROM deals GROUP BY ALL
  UNION ALL SELECT 'leads', source, count(*) FROM leads GROUP BY ALL UNION ALL SELECT 'companies', source, count(*) FROM companies GROUP BY ALL
  UNION ALL SELECT 'activities', source, count(*) FROM activities GROUP BY ALL UNION ALL SELECT 'invoices', source, count(*) FROM invoices GROUP BY ALL
  UNION ALL SELECT 'payments', source, count(*) FROM payments GROUP BY ALL)
SELECT f.rule, f.severity, f.entity, f.source, coalesce(o.owner, '(none)') AS owner, count(*) AS findings,
  any_value(s.n) AS source_rows, count(DISTINCT f.source_id) / any_value(s.n) AS share_of_source
FROM f LEFT JOIN owners o ON o.entity = f.entity AND o.source = f.source AND o.source_id = f.source_id
LEFT JOIN sizes s ON s.entity = f.entity AND s.source = f.source
GROUP BY f.rule, f.severity, f.entity, f.source, coalesce(o.owner, '(none)')
ORDER BY findings DESC, f.rule, f.source, owner, f.severity, f.entity
