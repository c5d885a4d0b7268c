// One benchmark step, run by measure.ts in its own process: prints {ms, rssMb, detail} as JSON.
import { DuckDBInstance } from '@duckdb/node-api';
import { rmSync } from 'node:fs';
import { openDb } from '../src/db/database.js';
import { checkCommand } from '../src/commands/check.js';
import { importFile } from '../src/import/import-file.js';
import { loadRules, SHIPPED_RULES } from '../src/rules/load-rules.js';

const [step, argJson] = process.argv.slice(2);
const args = JSON.parse(argJson) as Record<string, string>;
const fresh = (path: string) => {
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
};

const steps: Record<string, () => Promise<Record<string, unknown> | void>> = {
  /** The floor: DuckDB's own reader loading the file into a table, types auto-detected. */
  async 'bare-read-csv'() {
    fresh(args.db);
    const db = await DuckDBInstance.create(args.db);
    const c = await db.connect();
    await c.run(`CREATE TABLE bare AS SELECT * FROM read_csv('${args.file}')`);
    c.closeSync();
    db.closeSync();
  },
  /** Loads the check benchmark's database (not timed as part of the check). */
  async 'check-setup'() {
    fresh(args.db);
    const db = await openDb(args.db);
    await importFile(db, { file: args.contacts, source: 'hs', preset: 'hubspot' });
    await importFile(db, { file: args.deals, source: 'hs', preset: 'hubspot' });
    db.close();
  },
  /** The full shipped rule pack. */
  async 'crmq-check'() {
    const r = await checkCommand({ db: args.db });
    return { rules: r.summary.rules, findings: r.summary.findings };
  },
  /** The floor: one plain count(*) … WHERE scan per rule, over the same tables. */
  async 'count-per-rule'() {
    const db = await openDb(args.db);
    const rules = loadRules([SHIPPED_RULES]);
    for (const r of rules) {
      const field = (r.params.field ?? (r.params.fields as string[] | undefined)?.[0] ?? 'source_id') as string;
      await db.all(`SELECT count(*) FROM ${r.entity} WHERE ${field} IS NULL`);
    }
    db.close();
    return { rules: rules.length };
  },
  async 'crmq-import'() {
    fresh(args.db);
    const db = await openDb(args.db);
    const r = await importFile(db, { file: args.file, source: 'bench' });
    db.close();
    return { rows: r.rowsLoaded, rejected: r.rowsRejected };
  },
};

const t = performance.now();
const detail = await steps[step]();
const ms = performance.now() - t;
console.log(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, detail }));
