// The Parquet lake: `crmq export` writes it, `crmq import` reads it back into a fresh database with every table's
// rows equal (EXCEPT ALL both ways), refuses a damaged lake, and DuckDB over the lake runs the shipped report SQL.
import { readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCommand } from '../src/commands/check.js';
import { exportCommand } from '../src/commands/export.js';
import { importLakeCommand } from '../src/commands/import.js';
import { reportCommand, reportScripts } from '../src/commands/report.js';
import { openDb } from '../src/db/database.js';
import { importFile } from '../src/import/import-file.js';
import { OTHER_TABLES, tablesOfKind, type Manifest } from '../src/lake/manifest.js';
import { ENTITIES } from '../src/model/tables.js';
import { demoInto } from './demo.js';
import { cli, query, tmp, withTestDb, write } from './helpers.js';

const dir = tmp();
const source = join(dir, 'demo', 'demo.duckdb'); // a copy of the run's demo (beforeAll)
const lake = join(dir, 'lake');
const fresh = join(dir, 'fresh.duckdb');
const TABLES = [...ENTITIES, ...tablesOfKind('bookkeeping'), ...tablesOfKind('findings')];
const PERIOD = { from: '2026-01-01', to: '2026-10-31', asOf: '2026-11-20' };
const REPORTS = ['funnel', 'manager-ranking', 'requests-response-time', 'data-quality'];

/** Rows of `a` not in `b` and of `b` not in `a`, per table (multiset difference, so duplicates count). */
async function differences(a: string, b: string): Promise<Record<string, [number, number]>> {
  const db = await openDb(':memory:');
  try {
    await db.run(`ATTACH '${a}' AS a (READ_ONLY); ATTACH '${b}' AS b (READ_ONLY)`);
    const out: Record<string, [number, number]> = {};
    for (const t of TABLES) {
      const [r] = await db.all<{ ab: number; ba: number }>(
        `SELECT (SELECT count(*) FROM (SELECT * FROM a.${t} EXCEPT ALL SELECT * FROM b.${t})) AS ab, (SELECT count(*) FROM (SELECT * FROM b.${t} EXCEPT ALL SELECT * FROM a.${t})) AS ba`,
      );
      out[t] = [r.ab, r.ba];
    }
    return out;
  } finally {
    db.close();
  }
}

const counts = async (db: string) => (await query<Record<string, number>>(db, `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`))[0];
/**
 * Rows as sorted text, numbers to 12 significant digits: a bare connection gives BIGINTs and DECIMALs as strings
 * ("0.00"), crmq as numbers, and sums of doubles may differ in the last bits from one run to the next.
 */
const asText = (xs: Record<string, unknown>[]) =>
  xs.map((x) => JSON.stringify(Object.entries(x).map(([k, v]) => [k, v === null ? null : /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(String(v)) ? Number(Number(v).toPrecision(12)) : String(v)]))).sort();
const noDifferences = Object.fromEntries(TABLES.map((t) => [t, [0, 0]]));

beforeAll(async () => {
  // Every sample export (several CRMs, Windows-1251, XLSX, rejected rows) and a check run with duplicate clusters: the
  // run's demo database (test/demo.ts), copied, instead of importing the samples again here.
  await demoInto(join(dir, 'demo'));
  const db = await openDb(source);
  try {
    // A second, changed export of one source's contacts: the drift history then holds a stage transition too.
    const stages = (stage: string) => write(dir, `crm2-${stage}.csv`, `id,email,lifecycle_stage\n1,a@b.ru,lead\n2,c@d.ru,${stage}\n`);
    for (const stage of ['lead', 'customer']) await importFile(db, { file: stages(stage), source: 'crm2', preset: 'canonical', entity: 'contacts' });
    // And a pull checkpoint.
    await db.run(`INSERT INTO pulls VALUES (nextval('pull_id_seq'), 'hubspot', 'hubspot', 'contacts', 'contacts', 'done', NULL, '{"after": "42"}', 3, 250, 0, 0, NULL, NULL, TIMESTAMP '2026-11-20 10:00:00', TIMESTAMP '2026-11-20 10:01:00')`);
  } finally {
    db.close();
  }
  await checkCommand({ db: source, select: ['contact.email.unique', 'contact.phone.unique', 'deal.currency.required'] });
  await exportCommand({ db: source, out: lake, ...PERIOD, report: REPORTS });
});

describe('crmq export --format parquet', () => {
  it('knows every table of the schema: exported, or named as a cache', async () => {
    const tables = await query<{ name: string }>(source, `SELECT table_name AS name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary`);
    expect(tables.map((t) => t.name).filter((t) => !(ENTITIES as string[]).includes(t) && !Object.hasOwn(OTHER_TABLES, t))).toEqual([]);
  });

  it('writes every table with a manifest: files, row counts, columns, partitions by source (and month for activities)', async () => {
    const m = JSON.parse(readFileSync(join(lake, 'manifest.json'), 'utf8')) as Manifest;
    expect(m.format).toBe('crmq-lake');
    expect(m.reports).toEqual({ start: PERIOD.from, end: PERIOD.to, as_of: PERIOD.asOf });
    const byName = new Map(m.tables.map((t) => [t.name, t]));
    const db = await counts(source);
    for (const t of TABLES) expect(byName.get(t)?.rows, t).toBe(db[t]);
    // Partitions as folders other engines discover: contacts/source=hubspot/part_0.parquet.
    const contacts = byName.get('contacts')!;
    expect(contacts.partition_by).toEqual(['source']);
    expect(contacts.files.map((f) => f.path.split('/')[1]).sort()).toEqual(['source=amo', 'source=b24', 'source=crm2', 'source=hubspot']);
    const activities = byName.get('activities')!;
    expect(activities.partition_by).toEqual(['source', 'created_month']);
    expect(activities.files.every((f) => /^activities\/source=[^/]+\/created_month=(\d{4}-\d{2}|__HIVE_DEFAULT_PARTITION__)\/part_\d+\.parquet$/.test(f.path))).toBe(true);
    // The month folders hold exactly that month's activities.
    const perMonth = await query<{ months: number; bad: number }>(
      ':memory:',
      `SELECT count(DISTINCT created_month) AS months, count(*) FILTER (WHERE strftime(created_at, '%Y-%m') IS DISTINCT FROM created_month) AS bad
       FROM read_parquet('${lake}/activities/**/*.parquet', hive_partitioning = true, hive_types = {'source': VARCHAR, 'created_month': VARCHAR})`,
    );
    expect(perMonth[0].months).toBeGreaterThan(3);
    expect(perMonth[0].bad).toBe(0);
    expect(contacts.columns.find((c) => c.name === 'phones')?.type).toBe('VARCHAR[]');
    // Derived outputs: duplicate clusters of the latest check, every report's rows and status.
    const [{ clusters }] = await query<{ clusters: number }>(source, 'SELECT count(*) AS clusters FROM latest_findings WHERE cluster IS NOT NULL');
    expect(clusters).toBeGreaterThan(0);
    expect(byName.get('duplicate_clusters')?.rows).toBe(clusters);
    expect(m.tables.filter((t) => t.kind === 'report').map((t) => t.name).sort()).toEqual(REPORTS.map((r) => `reports/${r}`).sort());
    expect(byName.get('report_runs')?.rows).toBe(REPORTS.length);
  });

});

describe('crmq import <lake>', () => {
  it('round-trips: a fresh database gets every table with equal rows; new imports get new ids', async () => {
    // Every table but the empty ones below has rows to compare: the drift history (import_profiles, import_headers, …)
    // and the per-rule check records included.
    const had = await counts(source);
    expect(TABLES.filter((t) => had[t] === 0).filter((t) => !(ENTITIES as string[]).includes(t))).toEqual([]);
    expect(TABLES).toEqual(expect.arrayContaining(['import_profiles', 'import_headers', 'import_fields', 'import_amounts', 'import_values', 'import_transitions', 'check_run_rules', 'finding_history']));
    const [r] = await importLakeCommand([lake], { db: fresh });
    expect(r.findings).toBe('restored');
    expect(r.idOffset).toBe(0);
    expect(await differences(source, fresh)).toEqual(noDifferences);
    const [{ next, max }] = await withTestDb(fresh, (db) => db.all<{ next: number; max: number }>(`SELECT nextval('import_id_seq') AS next, (SELECT max(import_id) FROM imports) AS max`)); // nextval writes
    expect(next).toBe(max + 1);
  });

  it('the same lake again is refused, unchanged, unless --replace, which leaves the same rows (idempotent)', async () => {
    const before = await counts(fresh);
    const r = await cli('import', lake, '--db', fresh);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already holds sources 1c, ads, amo, b24, crm2, hubspot; add --replace/);
    expect(await counts(fresh)).toEqual(before);
    const [again] = await importLakeCommand([join(lake, 'manifest.json')], { db: fresh, replace: true });
    expect(again.rowsReplaced).toBe(ENTITIES.reduce((a, e) => a + before[e], 0));
    // Findings are not read into a database with check runs of its own; everything else is as the lake says.
    expect(again.findings).toBe('skipped');
    expect(await differences(source, fresh)).toEqual(noDifferences);
  });

  it('into a database with other sources: rows added, import ids shifted past its own', async () => {
    const db = join(dir, 'other.duckdb');
    await cli('import', write(dir, 'x.csv', 'id,email\n1,a@b.ru\n'), '--source', 'own', '--entity', 'contacts', '--db', db);
    const [r] = await importLakeCommand([lake], { db });
    expect(r.idOffset).toBe(1);
    const [row] = await query<{ own: number; lake: number; orphans: number }>(
      db,
      `SELECT count(*) FILTER (WHERE source = 'own') AS own, count(*) FILTER (WHERE source <> 'own') AS lake,
        (SELECT count(*) FROM contacts c ANTI JOIN imports i ON i.import_id = c.import_id AND i.source = c.source) AS orphans FROM contacts`,
    );
    expect(row).toEqual({ own: 1, lake: (await counts(source)).contacts, orphans: 0 });
    // The lake's drift history moved with its imports: every profile row names an import of the same source.
    const [p] = await query<{ profiles: number; orphans: number; headers: number }>(
      db,
      `SELECT count(*) AS profiles, count(*) FILTER (WHERE i.import_id IS NULL OR i.source <> p.source OR (p.prev_import_id IS NOT NULL AND p.prev_import_id NOT IN (SELECT import_id FROM imports))) AS orphans,
        (SELECT count(*) FROM import_headers h ANTI JOIN imports i USING (import_id)) AS headers
       FROM import_profiles p LEFT JOIN imports i USING (import_id)`,
    );
    expect(p).toEqual({ profiles: (await counts(source)).import_profiles + 1, orphans: 0, headers: 0 });
  });

  it('a damaged lake is refused naming the table and file, and changes nothing', async () => {
    const broken = join(dir, 'broken');
    await exportCommand({ db: source, out: broken, noReports: true });
    const m = JSON.parse(readFileSync(join(broken, 'manifest.json'), 'utf8')) as Manifest;
    const deals = m.tables.find((t) => t.name === 'deals')!;
    const db = join(dir, 'broken.duckdb');
    // A file lost on the way.
    rmSync(join(broken, deals.files[0].path));
    let r = await cli('import', broken, '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`deals: file ${deals.files[0].path} is missing`);
    // A manifest that does not match its files.
    await exportCommand({ db: source, out: broken, noReports: true });
    const m2 = JSON.parse(readFileSync(join(broken, 'manifest.json'), 'utf8')) as Manifest;
    m2.tables.find((t) => t.name === 'contacts')!.files[0].rows += 1;
    writeFileSync(join(broken, 'manifest.json'), JSON.stringify(m2, null, 2));
    r = await cli('import', broken, '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/contacts: contacts\/source=\w+\/part_0\.parquet holds \d+ rows, the manifest says \d+/);
    // A manifest pointing outside the lake.
    m2.tables.find((t) => t.name === 'contacts')!.files[0].path = '../demo/demo.duckdb';
    writeFileSync(join(broken, 'manifest.json'), JSON.stringify(m2, null, 2));
    r = await cli('import', broken, '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tables\.\d+\.files\.0\.path: must be a path inside the lake/);
    expect(Object.values(await counts(db)).every((n) => n === 0)).toBe(true);
  });

  it('export files and lakes are imported separately; a lake takes no --source', async () => {
    let r = await cli('import', lake, '--source', 'x', '--db', join(dir, 'opts.duckdb'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^crmq: --source: a lake keeps the sources/);
    r = await cli('import', lake, write(dir, 'y.csv', 'id,email\n1,a@b.ru\n'), '--source', 'x', '--db', join(dir, 'opts.duckdb'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/import lakes and export files separately/);
    r = await cli('export', '--db', source, '--out', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the folder exists and is not a crmq lake/);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
  });
});

describe('DuckDB over the lake (as MotherDuck would read it)', () => {
  it('duckdb-views.sql names the tables; `crmq report <id> --sql` then runs unchanged, the whole catalogue, with the same rows', async () => {
    expect(readdirSync(lake)).toContain('duckdb-views.sql');
    const expected = (await reportCommand({ db: source, all: true, ...PERIOD, format: 'json' })).results;
    expect(expected.length).toBeGreaterThan(20);
    const scripts = await reportScripts(expected.map((r) => r.id), { db: source, ...PERIOD });
    // The report results the lake holds are the rows `crmq report` gives, and report_runs their status.
    for (const id of REPORTS) {
      const rows = await query(':memory:', `SELECT * FROM read_parquet('${lake}/reports/${id}/*.parquet')`);
      expect(asText(rows), id).toEqual(asText(expected.find((r) => r.id === id)!.rows));
    }
    const [status] = await query<{ status: string }>(':memory:', `SELECT status FROM read_parquet('${lake}/report_runs/*.parquet') WHERE report = 'funnel'`);
    expect(status.status).toBe(expected.find((r) => r.id === 'funnel')!.status);
    // A bare DuckDB, as another machine has it: no crmq schema, only the lake's files.
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      await conn.run(`SET VARIABLE crmq_lake = '${lake}'`);
      await conn.run(readFileSync(join(lake, 'duckdb-views.sql'), 'utf8'));
      for (const r of expected) {
        const rows = (await conn.runAndReadAll(scripts[r.id])).getRowObjectsJson();
        expect(asText(rows), r.id).toEqual(asText(r.rows));
      }
      expect(expected.filter((r) => r.rows.length > 0).length).toBeGreaterThan(15);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
