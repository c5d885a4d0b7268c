// An import is one transaction: killed at any moment, the database is as before or fully imported, never half.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBenchContacts } from '../../fixtures/generate.js';
import { BIN, cli, query, spawnCli, tmp, write } from '../helpers.js';

const dir = tmp();

async function state(db: string) {
  const [s] = await query<{ contacts: number; imports: number; rejects: number; loaded: number }>(
    db,
    'SELECT (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM imports) AS imports, (SELECT count(*) FROM rejects) AS rejects, (SELECT coalesce(sum(rows_loaded), 0) FROM imports) AS loaded',
  );
  return s;
}

describe('atomic imports', () => {
  it('a kill -9 or Ctrl-C mid-import leaves the database exactly as before (or fully imported)', async () => {
    const big = join(dir, 'big.csv');
    await writeBenchContacts(big, 200_000);
    const outcomes: string[] = [];
    for (const [signal, delay] of [['SIGKILL', 900], ['SIGINT', 1100], ['SIGKILL', 1500], ['SIGKILL', 2500]] as const) {
      const db = join(dir, `kill-${signal}-${delay}.duckdb`);
      await cli('import', write(dir, 'small.csv', 'id,email\n1,a@b.ru\n2,c@d.ru\n'), '--source', 'small', '--entity', 'contacts', '--db', db);
      const before = await state(db);
      const child = spawnCli(['import', big, '--source', 'big', '--db', db]);
      const exited = new Promise((res) => child.on('exit', res));
      await new Promise((res) => setTimeout(res, delay));
      child.kill(signal);
      await exited;
      // The files as the kill left them (opening the database replays and checkpoints its WAL): kept when the state
      // below is neither before nor complete, so that a DuckDB recovery fault can be replayed (seen once, issue 17).
      const evidence = [db, `${db}.wal`].filter(existsSync).map((f) => (copyFileSync(f, `${f}.killed`), `${f}.killed`));
      const after = await state(db);
      const complete = after.imports === 2;
      outcomes.push(complete ? 'complete' : 'untouched');
      if (!complete && after.contacts !== before.contacts) {
        const kept = mkdtempSync(join(tmpdir(), 'crmq-atomicity-evidence-'));
        for (const f of evidence) copyFileSync(f, join(kept, f.split('/').pop()!));
        expect.fail(`${signal} after ${delay} ms left ${after.contacts} contacts and ${after.imports} imports rows (WAL ${evidence[1] ? statSync(evidence[1]).size : 0} bytes); files as killed kept in ${kept}`);
      }
      if (complete) {
        expect(after).toEqual({ contacts: 200_002, imports: 2, rejects: 0, loaded: 200_002 });
      } else {
        expect(after).toEqual(before);
      }
    }
    // At least one kill must have landed mid-import for the test to prove anything.
    expect(outcomes).toContain('untouched');
  });

  it('a database locked by another process: a bounded wait that says so, then one line and exit 2', async () => {
    const db = join(dir, 'locked.duckdb');
    await cli('import', write(dir, 'l.csv', 'id,email\n1,a@b.ru\n'), '--source', 's', '--entity', 'contacts', '--db', db);
    const holder = spawn(process.execPath, ['--input-type=module', '-e', `
      import { DuckDBInstance } from '@duckdb/node-api';
      const i = await DuckDBInstance.create(${JSON.stringify(db)});
      await i.connect();
      console.log('ready');
      setTimeout(() => {}, 60000);`], { cwd: join(BIN, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((res) => holder.stdout!.once('data', () => res()));
    process.env.CRMQ_LOCK_WAIT = '1';
    try {
      const t = performance.now();
      const r = await cli('import', write(dir, 'l2.csv', 'id,email\n2,c@d.ru\n'), '--source', 's', '--entity', 'contacts', '--db', db);
      expect(r.code).toBe(2);
      // It waited the bounded time and said so, then one line of failure.
      expect(performance.now() - t).toBeGreaterThan(900);
      const lines = r.stderr.trim().split('\n');
      expect(lines[0]).toMatch(/^crmq: .*locked\.duckdb: in use by another process \(pid \d+\); waiting up to 1 s for it$/);
      expect(lines[1]).toMatch(/^crmq: .*locked\.duckdb: database is locked by another process \(pid \d+\); waited 1 s/);
      expect(lines).toHaveLength(2);
    } finally {
      delete process.env.CRMQ_LOCK_WAIT;
      holder.kill('SIGKILL');
    }
  });
});
