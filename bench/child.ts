// One benchmark step, run by measure.ts in its own process: prints {ms, rssMb, detail} as JSON.
import { DuckDBInstance } from '@duckdb/node-api';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openDb, withDb } from '../src/db/database.js';
import { lit } from '../src/db/sql.js';
import { checkCommand } from '../src/commands/check.js';
import { reportCommand } from '../src/commands/report.js';
import { importFile } from '../src/import/import-file.js';
import { loadRules, SHIPPED_RULES } from '../src/rules/load-rules.js';
import { prepareNormalization } from '../src/rules/normalize.js';
import { findDuplicates } from '../src/dedupe/dedupe.js';
import { dedupeCommand } from '../src/commands/dedupe.js';
import { evaluate } from '../src/dedupe/evaluate.js';
import { evaluateDataset } from './dedup/evaluate-dataset.js';
import { duckdbBaseline } from './dedup/duckdb-baseline.js';
import { writeNamesakes } from '../fixtures/gen/namesakes.js';
import { main } from '../src/cli.js';
import type { Cursor } from '../src/pull/connector.js';
import { connectorFor } from '../src/pull/connectors/index.js';
import { pull, pullHttp } from '../src/pull/pull.js';

const [step, argJson] = process.argv.slice(2);
const args = JSON.parse(argJson) as Record<string, string>;
const fresh = (path: string) => {
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
};

/** Every clustered record as id,cluster (for 'dedup-score'). */
function writePredicted(path: string, clusters: { cluster: string; members: { id: string }[] }[]): void {
  const lines = ['id,cluster'];
  for (const c of clusters) for (const m of c.members) lines.push(`${m.id},${c.cluster}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

const steps: Record<string, () => Promise<Record<string, unknown> | void>> = {
  /** The floor: DuckDB's own reader loading the file into a table, types auto-detected (or all text). */
  async 'bare-read-csv'() {
    fresh(args.db);
    const db = await DuckDBInstance.create(args.db);
    const c = await db.connect();
    await c.run(`CREATE TABLE bare AS SELECT * FROM read_csv('${args.file}'${args.allVarchar ? ', all_varchar = true' : ''})`);
    c.closeSync();
    db.closeSync();
  },
  /** The full shipped rule pack. */
  async 'crmq-check'() {
    // The issue's target is for the pack without fuzzy duplicates; those have their own benchmark (bench:dedup).
    const r = await checkCommand({ db: args.db, exclude: ['fuzzy-duplicate'] });
    const [{ rows }] = await withDb(args.db, (db) => db.all<{ rows: number }>('SELECT (SELECT count(*) FROM contacts) + (SELECT count(*) FROM deals) AS rows'));
    return { rules: r.summary.rules, findings: r.summary.findings, rows };
  },
  /** The floor: one plain count(*) … WHERE scan per rule, over the same tables. */
  async 'count-per-rule'() {
    const db = await openDb(args.db);
    const rules = loadRules([SHIPPED_RULES]).filter((r) => r.kind !== 'fuzzy-duplicate');
    for (const r of rules) {
      const field = (r.params.field ?? (r.params.fields as string[] | undefined)?.[0] ?? 'source_id') as string;
      await db.all(`SELECT count(*) FROM ${r.entity} WHERE ${field} IS NULL`);
    }
    const [{ rows }] = await db.all<{ rows: number }>('SELECT (SELECT count(*) FROM contacts) + (SELECT count(*) FROM deals) AS rows');
    db.close();
    return { rules: rules.length, rows };
  },
  /** One file into the scale benchmark's database (kept between steps). */
  async 'import-into'() {
    const db = await openDb(args.db);
    const r = await importFile(db, { file: args.file, source: args.source, preset: args.preset, entity: args.entity });
    db.close();
    if (r.rowsRejected > 0) throw new Error(`${args.file}: ${r.rowsRejected} rows rejected`);
    return { rows: r.rowsRead, loaded: r.rowsLoaded };
  },
  /** Every report, as the CLI runs them (JSON, in memory). */
  async 'crmq-reports'() {
    const r = await reportCommand({ db: args.db, all: true, from: '2026-01-01', to: '2026-06-30', asOf: '2026-07-15', format: 'json' });
    const [{ rows }] = await withDb(args.db, (db) => db.all<{ rows: number }>('SELECT (SELECT count(*) FROM deals) + (SELECT count(*) FROM activities) + (SELECT count(*) FROM deal_stage_history) AS rows'));
    return { perReport: Object.fromEntries(r.results.map((x) => [x.id, x.seconds])), rows };
  },
  /** One labelled dataset through the duplicate engine, scored against its ground truth at both profiles. */
  async 'dedup-dataset'() {
    const db = await openDb(':memory:');
    const r = await evaluateDataset(db, args.name, args.dir);
    db.close();
    return { quality: r.quality, records: r.link.records, candidatePairs: r.link.candidatePairs, blockingRecall: r.blockingRecall, lambda: r.link.model.lambda };
  },
  /** Generated contacts imported for the speed benchmark (not timed as part of it). */
  async 'dedup-import'() {
    fresh(args.db);
    const db = await openDb(args.db);
    const r = await importFile(db, { file: args.file, source: 'hs' });
    db.close();
    return { rows: r.rowsLoaded };
  },
  /**
   * crmq's own path on the imported contacts: phones to E.164, then normalise, block, score, cluster, and every
   * clustered record written out (id, cluster) as a user takes them away. Scored by 'dedup-score' in its own
   * process, so the 1M truth file read into memory is not counted as the engine's.
   */
  async 'dedup-speed'() {
    // As the CLI runs it: `crmq dedupe --format csv --output <file>` (phones to E.164, normalise, block, score,
    // cluster, every clustered record written), with the command's own memory settings.
    const r = await dedupeCommand({ db: args.db, entity: 'contacts', format: 'csv', output: args.predicted });
    // (budgetRaised: the dedupe's own memory budget was not enough and it ran again under the database's limit)
    return { candidatePairs: r.candidatePairs, clusters: r.clusters.length, refused: r.refused, budgetRaised: r.budgetRaised ?? null };
  },
  /**
   * The engine before this branch (main's src/, extracted by bench/dedup.ts into args.before) on the same imported
   * contacts, in this run: phones to E.164 + its findDuplicates, as its own 'dedup-speed' step ran them.
   */
  async 'dedup-before'() {
    const from = (p: string) => import(pathToFileURL(join(args.before, p)).href);
    const { openDb: openBefore } = await from('src/db/database.ts');
    const { prepareNormalization: phonesBefore } = await from('src/rules/normalize.ts');
    const { findDuplicates: findBefore } = await from('src/dedupe/dedupe.ts');
    const db = await openBefore(args.db);
    await db.run('DROP TABLE IF EXISTS phone_norm');
    await phonesBefore(db, { defaultRegion: 'RU', regions: {} });
    const r = (await findBefore(db, 'contacts')) as { candidatePairs: number; clusters: { cluster: string; members: { id: string }[] }[] };
    writePredicted(args.predicted, r.clusters);
    db.close();
    return { candidatePairs: r.candidatePairs, clusters: r.clusters.length };
  },
  /** The plain DuckDB baseline (bench/dedup/duckdb-baseline.ts) on the same imported contacts. */
  async 'dedup-baseline'() {
    const db = await openDb(args.db);
    const r = await duckdbBaseline(db);
    writeFileSync(args.predicted, ['id,cluster', ...[...r.clustered].map(([id, c]) => `contacts:${id},${c}`)].join('\n') + '\n');
    db.close();
    return { candidatePairs: r.pairs, links: r.links };
  },
  /** One speed step's clusters (args.predicted: id,cluster) scored against the planted truth of args.file. */
  async 'dedup-score'() {
    const db = await openDb(':memory:');
    const truth = new Map((await db.all<{ id: string; person: string }>(`SELECT 'contacts:hs:' || id AS id, person FROM read_csv(${lit(`${args.file}.truth.csv`)}, all_varchar = true)`)).map((x) => [x.id, x.person]));
    // id,cluster, or the CLI's entity, source, source_id, cluster_id, score
    const cli = (await db.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_csv(${lit(args.predicted)}))`)).some((c) => c.column_name === 'cluster_id');
    const select = cli ? `entity || ':' || source || ':' || source_id AS id, cluster_id AS cluster` : 'id, cluster';
    const predicted = new Map((await db.all<{ id: string; cluster: string }>(`SELECT ${select} FROM read_csv(${lit(args.predicted)}, all_varchar = true)`)).map((x) => [x.id, x.cluster]));
    db.close();
    rmSync(args.predicted, { force: true });
    const q = evaluate(predicted, truth);
    return { precision: q.precision, recall: q.recall, f1: q.f1 };
  },
  /** The namesake-dense cross-source set: two CRM exports imported as a user would, deduplicated, scored. */
  async 'dedup-namesakes'() {
    const set = writeNamesakes(args.dir, Number(args.people));
    fresh(args.db);
    const db = await openDb(args.db);
    await importFile(db, { file: set.bitrix24, source: 'b24' });
    await importFile(db, { file: set.hubspot, source: 'hs' });
    await prepareNormalization(db, { defaultRegion: 'RU', regions: {} });
    const truth = new Map((await db.all<{ id: string; person: string }>(`SELECT 'contacts:' || source || ':' || source_id AS id, person FROM read_csv(${lit(set.truth)}, all_varchar = true)`)).map((x) => [x.id, x.person]));
    const out: Record<string, unknown> = { records: set.records, people: set.people, truePairs: set.truePairs, namesakePeople: set.namesakePeople };
    for (const profile of ['precise', 'review'] as const) {
      const r = await findDuplicates(db, 'contacts', { profile });
      const predicted = new Map<string, string>();
      for (const c of r.clusters) for (const m of c.members) predicted.set(m.id, c.cluster);
      out[profile] = evaluate(predicted, truth);
      out.candidatePairs = r.candidatePairs;
    }
    db.close();
    return out;
  },
  /** A header-less FEBRL-like file through the CLI as a user runs it: import --columns with a mapping, dedupe --format csv. */
  async 'dedup-cli'() {
    fresh(args.db);
    const out: string[] = [];
    const io = { stdout: (x: string) => out.push(x), stderr: () => {} };
    const csvOut = `${args.db}.clusters.csv`;
    if ((await main(['node', 'crmq', 'import', args.file, '--source', 'registry', '--mapping', args.mapping, '--columns', args.columns, '--db', args.db], io)) !== 0) throw new Error(out.join(''));
    if ((await main(['node', 'crmq', 'dedupe', '--db', args.db, '--format', 'csv', '--output', csvOut], io)) !== 0) throw new Error(out.join(''));
    const db = await openDb(':memory:');
    const predicted = new Map((await db.all<{ id: string; c: string }>(`SELECT source_id AS id, cluster_id AS c FROM read_csv(${lit(csvOut)}, all_varchar = true)`)).map((x) => [x.id, x.c]));
    const truth = new Map((await db.all<{ id: string; c: string }>(`SELECT trim(id) AS id, regexp_extract(id, 'rec-(\\d+)', 1) AS c FROM read_csv(${lit(args.file)}, header = false, all_varchar = true, names = [${args.columns.split(',').map(lit).join(', ')}])`)).map((x) => [x.id, x.c]));
    db.close();
    rmSync(csvOut, { force: true });
    return { records: truth.size, ...evaluate(predicted, truth) };
  },
  async 'crmq-import'() {
    fresh(args.db);
    const db = await openDb(args.db);
    const r = await importFile(db, { file: args.file, source: 'bench', mapping: args.mapping, profile: (args as Record<string, unknown>).profile !== false });
    const [p] = await db.all<{ seconds: number }>(`SELECT seconds FROM import_profiles`);
    db.close();
    return { rows: r.rowsLoaded, rejected: r.rowsRejected, profileSeconds: p?.seconds ?? 0 };
  },
  /** A second, changed export of the same contacts over the first (not timed): the profile joins it with the previous version. */
  async 'crmq-reimport'() {
    fresh(args.db);
    const db = await openDb(args.db);
    const profile = (args as Record<string, unknown>).profile !== false;
    await importFile(db, { file: args.file, source: 'bench', profile });
    const t0 = performance.now();
    const r = await importFile(db, { file: args.file2, source: 'bench', profile });
    const secondMs = performance.now() - t0;
    const [p] = await db.all<{ seconds: number }>(`SELECT seconds FROM import_profiles WHERE import_id = ${r.importId}`);
    db.close();
    return { secondMs, rows: r.rowsLoaded, replaced: r.rowsReplaced, profileSeconds: p?.seconds ?? 0 };
  },
  /** A changed export of the bench contacts: 10% of the records gone, 5% handed to another owner, a column renamed. */
  async 'changed-export'() {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT "Record ID", "First Name", "Last Name", "Email", "Phone Number",
        CASE WHEN CAST("Record ID" AS BIGINT) % 20 = 1 THEN 'Handed Over' ELSE "Contact owner" END AS "Contact owner",
        "Create Date", "Lifecycle Stage", "Company Name", "City" AS "Town"
      FROM read_csv(${lit(args.file)}, all_varchar = true) WHERE CAST("Record ID" AS BIGINT) % 10 <> 0) TO ${lit(args.out)} (HEADER, DELIMITER ',')`);
    c.closeSync();
    db.closeSync();
  },
  /** History for the drift benchmark: 20 exports of each of contacts, companies, deals, leads and activities (100 imports). */
  async 'drift-setup'() {
    fresh(args.db);
    const db = await openDb(args.db);
    const versions = Number(args.versions);
    const n = Number(args.n);
    const cols: Record<string, (v: number) => string> = {
      contacts: (v) => `'Контакт ' || i AS full_name, 'c' || i || '@example.ru' AS email, owner, ['lead','customer','subscriber'][1 + (i + ${v}) % 3] AS lifecycle_stage, ['Сайт','Звонок'][1 + i % 2] AS channel, ['Москва','Казань'][1 + i % 2] AS city`,
      companies: (v) => `'ООО Компания ' || i AS name, owner, ['Клиент','Партнёр'][1 + i % 2] AS type, ['Москва','Казань'][1 + i % 2] AS city`,
      deals: (v) => `'Сделка ' || i AS title, 1000 * (1 + (i * 37) % 400) AS amount, 'RUB' AS currency, ['Новая','В работе','Счёт на предоплату','Финальный счёт'][1 + (i + ${v}) % 4] AS stage, owner, ['Сайт','Звонок'][1 + i % 2] AS channel`,
      leads: (v) => `'Лид ' || i AS title, 500 * (1 + (i * 13) % 300) AS amount, 'RUB' AS currency, ['Не обработан','В работе','Обработан'][1 + (i + ${v}) % 3] AS status, owner, ['Сайт','Звонок'][1 + i % 2] AS channel`,
      activities: (v) => `['call','email','meeting'][1 + i % 3] AS type, ['in','out'][1 + i % 2] AS direction, ['done','open'][1 + (i + ${v}) % 2] AS status, owner, 'Тема ' || i AS subject`,
    };
    const file = join(args.dir, 'drift-export.csv');
    let imports = 0;
    for (let v = 1; v <= versions; v++) {
      for (const [entity, select] of Object.entries(cols)) {
        await db.run(`COPY (SELECT i AS id, ${select(v)}, '2026-11-01'::TIMESTAMP + INTERVAL (${v}) DAY + INTERVAL (i % 1000) MINUTE AS updated_at
          FROM (SELECT i, ['Анна','Борис','Вера','Глеб'][1 + (i + CASE WHEN i % 50 < ${v % 5} THEN 1 ELSE 0 END) % 4] AS owner FROM range(1, ${n} + 1 + ${v} * 10) t(i))
          WHERE i % 97 <> ${v}) TO ${lit(file)} (HEADER, DELIMITER ',')`);
        await importFile(db, { file, source: 'bench', preset: 'canonical', entity });
        imports++;
      }
    }
    db.close();
    return { imports };
  },
  /** Every shipped drift rule over that history. */
  async 'drift-check'() {
    const r = await checkCommand({ db: args.db, select: ['drift'] });
    return { rules: r.summary.rules, findings: r.summary.findings, ruleSeconds: r.results.reduce((a, x) => a + x.seconds, 0) };
  },
  /** `crmq pull` of one entity from an API emulator the parent serves. */
  async pull() {
    fresh(args.db);
    const db = await openDb(args.db);
    const [r] = await pull(db, { crm: args.crm, source: 'bench', entities: [args.entity], env: args.env as unknown as NodeJS.ProcessEnv });
    db.close();
    return { records: r.records, loaded: r.loaded, requests: r.requests, retries: r.retries, waitedMs: r.waitedMs, networkMs: r.networkMs, commits: r.commits, commitMs: r.commitMs };
  },
  /** The baseline: the same connector, pacing and parsing, pages thrown away instead of stored. */
  async 'pull-fetch-only'() {
    const connector = connectorFor(args.crm)!;
    const session = connector.open(args.env as unknown as NodeJS.ProcessEnv);
    const http = pullHttp(connector, session, { crm: args.crm, source: 'bench' }, false);
    let records = 0;
    let cursor: Cursor | undefined;
    for (let page = 1; ; page++) {
      const p = await session.page(http, { entity: args.entity, cursor, page });
      records += p.records.length;
      if (!p.next) break;
      cursor = p.next;
    }
    return { records, requests: http.stats.requests, retries: http.stats.retries, waitedMs: http.stats.waitedMs };
  },
};

const t = performance.now();
const cpu0 = process.resourceUsage();
const detail = await steps[step]();
const ms = performance.now() - t;
const cpu1 = process.resourceUsage();
// CPU time of the step alone (every thread of the process: DuckDB's workers too), in ms.
const cpuMs = (cpu1.userCPUTime + cpu1.systemCPUTime - cpu0.userCPUTime - cpu0.systemCPUTime) / 1000;
console.log(JSON.stringify({ ms, cpuMs, rssMb: cpu1.maxRSS / 1024, detail }));
