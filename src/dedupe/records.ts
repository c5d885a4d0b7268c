// The engine's input for CRM data: one row per contact, lead or company in dd_rec, normalised once.
// Ids are "<entity>:<source>:<source_id>", so contacts and leads of every CRM can fall into one cluster.
import type { Db } from '../db/database.js';
import { DEDUPE_MACROS } from './normalize-sql.js';

export type DedupeTarget = 'contacts' | 'leads' | 'companies' | 'people';

const personOf = (entity: 'contacts' | 'leads') => `
  SELECT '${entity}:' || t.source || ':' || t.source_id AS id, '${entity}' AS entity, t.source, t.source_id,
    coalesce(dd_name(t.first_name), dd_name(split_part(t.full_name, ' ', 1))) AS first,
    coalesce(dd_name(t.last_name), CASE WHEN t.first_name IS NULL AND t.last_name IS NULL AND t.full_name LIKE '% %' THEN dd_name(regexp_extract(t.full_name, '(\\S+)\\s*$', 1)) END) AS last,
    CAST(NULL AS VARCHAR) AS dob, dd_email(t.email) AS email, p.e164 AS phone, CAST(NULL AS VARCHAR) AS address, dd_name(${entity === 'contacts' ? 't.city' : 'NULL'}) AS city,
    CAST(NULL AS VARCHAR) AS postcode, CAST(NULL AS VARCHAR) AS id_number, CAST(NULL AS VARCHAR) AS gender, CAST(NULL AS VARCHAR) AS occupation,
    dd_company(t.company_name) AS company, coalesce(t.full_name, concat_ws(' ', t.first_name, t.last_name)) AS label
  FROM ${entity} t LEFT JOIN (SELECT source, source_id, first(e164 ORDER BY pos) AS e164 FROM phone_keys WHERE entity = '${entity}' AND e164 IS NOT NULL GROUP BY ALL) p
    ON p.source = t.source AND p.source_id = t.source_id`;

/** Creates dd_rec for the target; returns the entity type the matching configuration is for. */
export async function buildRecords(db: Db, target: DedupeTarget): Promise<'person' | 'organisation'> {
  await db.run(DEDUPE_MACROS);
  if (target === 'companies') {
    await db.run(`CREATE OR REPLACE TEMP TABLE dd_rec AS
      SELECT 'companies:' || t.source || ':' || t.source_id AS id, 'companies' AS entity, t.source, t.source_id, dd_company(t.name) AS org_name,
        CAST(NULL AS VARCHAR) AS address, dd_name(t.city) AS city, CAST(NULL AS VARCHAR) AS postcode, p.e164 AS phone,
        coalesce(dd_domain(t.website), dd_domain(t.email)) AS domain, dd_email(t.email) AS email,
        nullif(regexp_replace(t.inn, '\\D', '', 'g'), '') AS id_number, t.name AS label
      FROM companies t LEFT JOIN (SELECT source, source_id, first(e164 ORDER BY pos) AS e164 FROM phone_keys WHERE entity = 'companies' AND e164 IS NOT NULL GROUP BY ALL) p
        ON p.source = t.source AND p.source_id = t.source_id`);
    return 'organisation';
  }
  const parts = target === 'people' ? [personOf('contacts'), personOf('leads')] : [personOf(target)];
  await db.run(`CREATE OR REPLACE TEMP TABLE dd_rec AS SELECT *, CASE WHEN first IS NOT NULL OR last IS NOT NULL
    THEN array_to_string(list_sort(list_filter([first, last], x -> x IS NOT NULL)), ' ') END AS name_key FROM (${parts.join(' UNION ALL ')})`);
  return 'person';
}
