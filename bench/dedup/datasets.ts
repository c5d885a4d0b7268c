// The labelled public sets of ../shared/datasets/dedup loaded into dd_rec (the engine's input) and dd_truth.
// Each loader only says which of its columns fill which field of the entity type; the matching configuration
// is the same for every dataset of a type (src/dedupe/config.ts).
import { join } from 'node:path';
import type { Db } from '../../src/db/database.js';
import { lit } from '../../src/db/sql.js';
import { DEDUPE_MACROS } from '../../src/dedupe/normalize-sql.js';
import { finishRecords } from '../../src/dedupe/records.js';

export interface Dataset {
  name: string;
  type: 'person' | 'organisation';
  /** SELECT producing id, cluster and the fields it has. */
  select: (dir: string) => string;
}

const csv = (path: string, extra = '') => `read_csv(${lit(path)}, all_varchar = true, header = true${extra})`;
const t = (x: string) => `nullif(trim(${x}), '')`;

export const DATASETS: Dataset[] = [
  ...['dataset1', 'dataset2', 'dataset3'].map((f): Dataset => ({
    name: `FEBRL ${f.slice(-1)}`, type: 'person',
    select: (d) => `SELECT trim(rec_id) AS id, regexp_extract(rec_id, 'rec-(\\d+)', 1) AS cluster, dd_name(given_name) AS first, dd_name(surname) AS last,
      dd_digits(date_of_birth) AS dob, dd_name(concat_ws(' ', ${t('street_number')}, ${t('address_1')})) AS address, dd_name(suburb) AS city,
      ${t('postcode')} AS postcode, ${t('soc_sec_id')} AS id_number FROM ${csv(join(d, 'febrl', `${f}.csv`))}`,
  })),
  {
    name: 'FEBRL 4 (4a + 4b)', type: 'person',
    select: (d) => ['dataset4a', 'dataset4b'].map((f) => `SELECT '${f.slice(-1)}:' || trim(rec_id) AS id, regexp_extract(rec_id, 'rec-(\\d+)', 1) AS cluster, dd_name(given_name) AS first, dd_name(surname) AS last,
      dd_digits(date_of_birth) AS dob, dd_name(concat_ws(' ', ${t('street_number')}, ${t('address_1')})) AS address, dd_name(suburb) AS city,
      ${t('postcode')} AS postcode, ${t('soc_sec_id')} AS id_number FROM ${csv(join(d, 'febrl', `${f}.csv`))}`).join(' UNION ALL '),
  },
  {
    name: 'fake_1000', type: 'person',
    select: (d) => `SELECT unique_id AS id, cluster, dd_name(first_name) AS first, dd_name(surname) AS last, dd_digits(dob) AS dob,
      dd_email(email) AS email, dd_name(city) AS city FROM ${csv(join(d, 'splink_fake_1000', 'fake_1000.csv'))}`,
  },
  {
    name: 'historical_50k', type: 'person',
    select: (d) => `SELECT unique_id AS id, cluster, dd_name(first_name) AS first, dd_name(surname) AS last, dd_digits(dob) AS dob, dd_name(birth_place) AS city,
      ${t('postcode_fake')} AS postcode, ${t('gender')} AS gender, dd_name(occupation) AS occupation
      FROM read_parquet(${lit(join(d, 'splink_historical_50k', 'historical_figures_with_errors_50k.parquet'))})`,
  },
  {
    name: 'restaurants', type: 'organisation',
    select: (d) => `SELECT CAST(row_number() OVER () AS VARCHAR) AS id, replace(unique_id, '''', '') AS cluster, dd_company(name) AS org_name,
      dd_address(address) AS address, dd_name(city) AS city
      FROM ${csv(join(d, 'restaurants_fodors_zagat', 'restaurant-nophone-training.csv'), ", quote = '\"', escape = '\"'")}`,
  },
  {
    // A name-only list of patent applicants (companies and people): "AKZO NOBEL" ×148, "ELECTRONICS KONINK PHILIPS" ×292.
    name: 'PATSTAT applicants (name only)', type: 'organisation',
    select: (d) => `SELECT i.person_id AS id, r.leuven_id AS cluster, dd_company(i."Name") AS org_name
      FROM ${csv(join(d, 'dedupe_patstat_dutch_inventors', 'patstat_input.csv'))} i JOIN ${csv(join(d, 'dedupe_patstat_dutch_inventors', 'patstat_reference.csv'))} r USING (person_id)`,
  },
  {
    name: 'Chicago early childhood', type: 'organisation',
    select: (d) => `SELECT "Id" AS id, "True Id" AS cluster, dd_company("Site name") AS org_name, dd_address("Address") AS address, ${t('"Zip"')} AS postcode,
      right(dd_digits("Phone"), 7) AS phone FROM ${csv(join(d, 'dedupe_chicago_early_childhood', 'csv_example_input_with_true_ids.csv'))}`,
  },
];

export async function loadDataset(db: Db, ds: Dataset, dir: string): Promise<void> {
  await db.run(DEDUPE_MACROS);
  await db.run(`CREATE OR REPLACE TEMP TABLE dd_src AS ${ds.select(dir)}`);
  await db.run(`CREATE OR REPLACE TEMP TABLE dd_truth AS SELECT id, cluster FROM dd_src`);
  await finishRecords(db, ds.type);
}
