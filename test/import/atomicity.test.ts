// A database another process holds: a bounded wait that says so, then one line and exit 2. An import killed at any
// moment leaves the database as before or fully imported: atomicity-kill.heavy.test.ts (heavy suite), interrupt.test.ts.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, tmp, write } from '../helpers.js';

const dir = tmp();

describe('atomic imports', () => {
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
