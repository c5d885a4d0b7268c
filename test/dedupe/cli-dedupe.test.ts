// crmq dedupe as a user runs it: a FEBRL-like person file through a generic mapping, a name-only company list,
// a name-only person list (no clusters, and why), --explain, the record → cluster export (CSV and Parquet), and
// comparisons of the user's own fields in crmq.yaml.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { dedupeCommand } from '../../src/commands/dedupe.js';
import { evaluate } from '../../src/dedupe/evaluate.js';
import { cli, HAS_SHARED, query, SHARED, tmp, write } from '../helpers.js';

const dir = tmp();
let n = 0;
const freshDb = () => join(dir, `db${++n}.duckdb`);
const clustersOf = (csv: string) => new Map((parse(csv, { columns: true }) as Record<string, string>[]).map((x) => [x.source_id, x.cluster_id]));

describe.skipIf(!HAS_SHARED)('a FEBRL person file (date of birth, ID, address) imported with a generic mapping', () => {
  it('dedupes at pairwise F1 ≥ 0.99, every identity field used and the empty ones left out', async () => {
    const db = freshDb();
    const file = join(SHARED, 'datasets/dedup/febrl/dataset1.csv');
    const mapping = write(dir, 'febrl.yaml', [
      'entity: contacts', 'id: rec_id', 'columns:', '  given_name: first_name', '  surname: last_name', '  street_number: address', '  address_1: address',
      '  address_2: address', '  suburb: city', '  postcode: postcode', '  state: ignore', '  date_of_birth: birth_date', '  soc_sec_id: national_id',
    ].join('\n'));
    expect((await cli('import', file, '--source', 'febrl', '--mapping', mapping, '--db', db)).code).toBe(0);
    const r = await cli('dedupe', '--db', db, '--format', 'csv', '--explain');
    expect(r.code).toBe(0);
    const truth = new Map((parse(readFileSync(file), { columns: true, trim: true }) as Record<string, string>[]).map((x) => [x.rec_id, x.rec_id.replace(/-(org|dup-\d+)$/, '')]));
    const q = evaluate(clustersOf(r.stdout), truth);
    expect(q.truePairs).toBe(500);
    expect(q.f1).toBeGreaterThanOrEqual(0.99);
    // --explain (on stderr with --format csv): the identity fields compared, the empty ones left out
    expect(r.stderr).toMatch(/left out, empty everywhere: .*email.*phone/);
    for (const field of ['dob', 'id_number', 'address', 'postcode']) expect(r.stderr).toMatch(new RegExp(`^${field}\\s+exact`, 'm'));
  });
});

describe('name-only lists', () => {
  const names = ['AKZO NOBEL', 'Akzo Nobel N.V.', 'UNILEVER', 'Unilever N.V.', 'ASML NETHERLANDS', 'DSM', 'NUTRICIA', 'CANON EUROPA', 'NXP', 'CARGILL', 'ALCATEL', 'SCHLUMBERGER TECHNOLOGY'];
  const rows = ['Name', ...Array.from({ length: 12 }, () => 'AKZO NOBEL'), ...Array.from({ length: 5 }, () => 'UNILEVER'), ...names, 'ELECTRONICS KONINK PHILIPS', 'ELECTRONICS KONINK PHILIPS'];

  it('a company list with nothing but names clusters its repeated names, and --explain says how', async () => {
    const db = freshDb();
    const f = write(dir, 'applicants.csv', rows.join('\n') + '\n');
    expect((await cli('import', f, '--source', 'pat', '--entity', 'companies', '--mapping', write(dir, 'pat.yaml', 'entity: companies\ncolumns:\n  Name: name\n'), '--db', db)).code).toBe(0);
    const r = await cli('dedupe', '--db', db, '--entity', 'companies', '--format', 'json', '--explain');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { clusters: { members: { label: string }[] }[]; explanation: { absent: string[]; weights: { field: string }[] } };
    const akzo = out.clusters.find((c) => c.members.some((m) => m.label === 'AKZO NOBEL'))!;
    // 12 + 1 copies of "AKZO NOBEL", and "Akzo Nobel N.V." (legal form dropped): one organisation
    expect(akzo.members.length).toBe(14);
    expect(out.clusters.find((c) => c.members.some((m) => m.label === 'UNILEVER'))!.members.length).toBe(7);
    // nothing else is glued to them, and singletons stay alone
    expect(out.clusters.flatMap((c) => c.members.map((m) => m.label)).filter((l) => !/akzo|unilever|philips/i.test(l))).toEqual([]);
    expect(out.explanation.absent).toEqual(expect.arrayContaining(['address', 'phone', 'inn']));
    expect([...new Set(out.explanation.weights.map((w) => w.field))]).toEqual(['org_name']);
  });

  it('a person list with nothing but names gives no clusters, and one line says why', async () => {
    const db = freshDb();
    const f = write(dir, 'people.csv', ['First Name,Last Name,Lifecycle Stage', ...Array.from({ length: 30 }, (_, i) => `Ivan,Petrov${i % 3 ? '' : 'a'},lead`), 'Anna,Smirnova,lead'].join('\n') + '\n');
    expect((await cli('import', f, '--source', 'hs', '--db', db)).code).toBe(0);
    const r = await cli('dedupe', '--db', db);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 duplicate clusters/);
    expect(r.stdout).toMatch(/no clusters: the best of \d+ candidate pairs reaches p = .* below 0\.9995 .*only names .*namesakes cannot be told from duplicates/);
  });
});

describe('the record → cluster export and the user’s own fields', () => {
  // 40 different people, and two namesake pairs told apart only by a passport number the CRM keeps in a custom field.
  const people = Array.from({ length: 40 }, (_, i) => `${i + 1},Person${String.fromCharCode(97 + (i % 26))}${i},Family${i},p${i}@mail.ru,,`);
  const csv = ['ID,First Name,Last Name,Email,Phone Number,Паспорт', ...people,
    '101,Иван,Петров,,,4510 123456', '102,Ivan,Petrov,,,4510123456', '103,Анна,Смирнова,,,4511 000001', '104,Anna,Smirnova,,,4599 999999'].join('\n') + '\n';

  it('a passport number in crmq.yaml links the first pair and keeps the second apart; CSV and Parquet list the same records', async () => {
    const db = freshDb();
    const f = write(dir, 'crm.csv', csv);
    expect((await cli('import', f, '--source', 'crm', '--preset', 'hubspot', '--entity', 'contacts', '--db', db)).code).toBe(0);
    // without the passport: names alone
    expect(JSON.parse((await cli('dedupe', '--db', db, '--format', 'json')).stdout).clusters).toEqual([]);
    const config = write(dir, 'crmq.yaml', 'dedupe:\n  fields:\n    contacts:\n      Паспорт: { compare: exact, identifier: true, block: true }\n');
    const r = await cli('dedupe', '--db', db, '--config', config, '--format', 'csv');
    expect(r.code).toBe(0);
    const got = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(got.map((x) => x.source_id).sort()).toEqual(['101', '102']);
    expect(Object.keys(got[0])).toEqual(['entity', 'source', 'source_id', 'cluster_id', 'score']);
    expect(Number(got[0].score)).toBeGreaterThanOrEqual(0.9995);
    const pq = join(dir, 'clusters.parquet');
    const p = await cli('dedupe', '--db', db, '--config', config, '--format', 'parquet', '--output', pq);
    expect(p.code).toBe(0);
    expect(p.stderr).toMatch(/wrote 2 records of 1 clusters/);
    const back = await query<Record<string, unknown>>(':memory:', `SELECT entity, source, source_id, cluster_id, CAST(score AS VARCHAR) AS score FROM read_parquet('${pq}') ORDER BY source_id`);
    expect(back.map((x) => ({ ...x, score: String(Number(x.score)) }))).toEqual(got.map((x) => ({ ...x, score: String(Number(x.score)) })));
  });

  it("runs within the dedupe's own DuckDB memory budget, and again under the database's limit when the data needs more", async () => {
    const db = freshDb();
    const config = write(dir, 'budget.yaml', 'dedupe:\n  fields:\n    contacts:\n      Паспорт: { compare: exact, identifier: true, block: true }\n');
    await cli('import', write(dir, 'budget.csv', csv), '--source', 'crm', '--preset', 'hubspot', '--entity', 'contacts', '--db', db);
    const run = (memoryBudget?: string) => dedupeCommand({ db, entity: 'contacts', config, format: 'csv', memoryBudget });
    const plain = await run();
    expect(plain.records_csv?.map((x) => x.source_id)).toEqual(['101', '102']);
    expect(plain.budgetRaised).toBeUndefined();
    // 1 MB cannot hold the run (DuckDB: Out of Memory): the same clusters, from the second attempt, and the user is told
    const raised = await run('1MB');
    expect(raised.records_csv).toEqual(plain.records_csv);
    expect(raised.budgetRaised).toMatch(/^dedupe: DuckDB ran out of memory within the dedupe's 1MB; ran again under the database's \d+MiB \(.*CRMQ_MEMORY_LIMIT/);
  });

  it('one-line errors: parquet without a file, --output without a file format, an unknown comparison in crmq.yaml', async () => {
    const db = freshDb();
    await cli('import', write(dir, 'one.csv', csv), '--source', 'crm', '--preset', 'hubspot', '--entity', 'contacts', '--db', db);
    expect((await cli('dedupe', '--db', db, '--format', 'parquet')).stderr).toMatch(/--format parquet: name the file with --output/);
    expect((await cli('dedupe', '--db', db, '--output', join(dir, 'x.csv'))).stderr).toMatch(/--output: only with --format csv or parquet/);
    const bad = await cli('dedupe', '--db', db, '--config', write(dir, 'bad.yaml', 'dedupe:\n  fields:\n    contacts:\n      Паспорт: { compare: fuzzy }\n'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml.*compare/);
  });
});
