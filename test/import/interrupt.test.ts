// Imports under interruption and contention: Ctrl-C and kill leave no temp folder (kill -9's is swept by the next
// run); readers and a second writer wait, bounded and saying so, for an import to finish; a read-only database
// stays readable; a full disk is one line naming the file, with nothing changed.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { main } from '../../src/cli.js';
import { BIN, cli, query, ROOT, tmp, write } from '../helpers.js';

const dir = tmp();
const temps = join(dir, 'tmp');
mkdirSync(temps);

/** 50,000 Windows-1251 rows: an import long enough to interrupt, with a transcoded copy in the temp folder. */
const big = write(dir, 'big-1251.csv', iconv.encode(['id;name;email', ...Array.from({ length: 50_000 }, (_, i) => `${i + 1};Имя ${i};u${i}@example.ru`)].join('\n') + '\n', 'win1251'));

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', TMPDIR: temps, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((res) => child.on('exit', (code, signal) => res({ code, signal, stderr })));
  return { child, exited };
}

const ours = (pid: number) => readdirSync(temps).filter((f) => f.startsWith(`crmq-${pid}-`));

/** Resolves once the import holds the database (its temp folder exists: it is created after the database is open). */
async function holding(pid: number) {
  for (let i = 0; i < 1500 && ours(pid).length === 0; i++) await new Promise((res) => setTimeout(res, 20));
  expect(ours(pid).length, 'the import never started').toBe(1);
}

const count = async (db: string) => (await query<{ n: number }>(db, 'SELECT count(*) AS n FROM contacts'))[0].n;

describe('Ctrl-C and kill', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s mid-import removes the temp folder and changes nothing', async (signal) => {
    const db = join(dir, `${signal}.duckdb`);
    await cli('import', write(dir, 'one.csv', 'id,email\n1,a@b.ru\n'), '--source', 'one', '--entity', 'contacts', '--db', db);
    const run = start(['import', big, '--source', 'big', '--entity', 'contacts', '--db', db]);
    await holding(run.child.pid!);
    run.child.kill(signal);
    const r = await run.exited;
    expect(r.signal).toBe(signal); // it still dies of the signal
    expect(ours(run.child.pid!)).toEqual([]); // was: a transcoded copy of the whole file left behind
    expect(await count(db)).toBe(1);
  });

  it('kill -9 leaves the folder, and the next crmq run removes it; the killed import left no row', async () => {
    const db = join(dir, 'kill9.duckdb');
    const run = start(['import', big, '--source', 'big', '--entity', 'contacts', '--db', db]);
    await holding(run.child.pid!);
    run.child.kill('SIGKILL');
    await run.exited;
    expect(ours(run.child.pid!)).toHaveLength(1);
    const next = start(['import', write(dir, 'two.csv', 'id,email\n2,c@d.ru\n'), '--source', 'two', '--entity', 'contacts', '--db', db]);
    expect((await next.exited).code).toBe(0);
    expect(ours(run.child.pid!)).toEqual([]);
    // Killed mid-import (more kill moments, on 200,000 rows: atomicity-kill.heavy.test.ts): none of its rows, or all.
    expect([1, 50_001]).toContain(await count(db));
  });
});

describe('while another process writes the database', () => {
  it('readers and a second import wait for it, say so once, and then see what it wrote', async () => {
    const db = join(dir, 'busy.duckdb');
    await cli('import', write(dir, 'first.csv', 'id,email\n1,a@b.ru\n'), '--source', 'first', '--entity', 'contacts', '--db', db);
    // A writer that holds the database until told to write one row and finish (as a long import would).
    const writer = spawn(process.execPath, ['--input-type=module', '-e', `
      import { DuckDBInstance } from '@duckdb/node-api';
      import { createInterface } from 'node:readline';
      const i = await DuckDBInstance.create(${JSON.stringify(db)});
      const c = await i.connect();
      console.log('ready');
      for await (const _ of createInterface({ input: process.stdin })) {
        await c.run("INSERT INTO contacts (source, source_id, import_id) VALUES ('writer', '1', 99)");
        c.closeSync(); i.closeSync(); process.exit(0);
      }`], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    await once(writer.stdout, 'data');
    process.env.CRMQ_LOCK_WAIT = '120';
    try {
      const errs = ['', '', '', ''];
      const run = (i: number, ...args: string[]) => {
        let stdout = '';
        const done = main(['node', 'crmq', ...args, '--db', db], { stdout: (x) => (stdout += x), stderr: (x) => (errs[i] += x) });
        return done.then((code) => ({ code, stdout, stderr: errs[i] }));
      };
      const calls = [
        run(0, 'imports', '--format', 'json'),
        run(1, 'sql', 'SELECT count(*) AS n FROM contacts', '--format', 'json'),
        run(2, 'report', 'data-quality', '--format', 'json', '--from', '2026-01-01', '--to', '2026-01-31'),
        run(3, 'import', write(dir, 'second.csv', 'id,email\n2,c@d.ru\n'), '--source', 'second', '--entity', 'contacts'),
      ];
      // Every one of them is waiting, and said so (was: exit 2 "locked" at once).
      for (let i = 0; i < 3000 && !errs.every((e) => /busy\.duckdb: in use by another process \(pid \d+\); waiting up to 120 s for it\n/.test(e)); i++) await new Promise((res) => setTimeout(res, 20));
      expect(errs.every((e) => /in use by another process/.test(e)), errs.join(' | ')).toBe(true);
      writer.stdin.write('go\n');
      const [imports, sql, report, second] = await Promise.all(calls);
      for (const r of [imports, sql, report, second]) {
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr.match(/in use by another process/g)).toHaveLength(1);
      }
      // The sql reader ran after the writer: its row is there.
      expect(JSON.parse(sql.stdout)[0].n).toBeGreaterThanOrEqual(2);
    } finally {
      delete process.env.CRMQ_LOCK_WAIT;
      writer.kill();
    }
    expect(await count(db)).toBe(3);
  });
});

/** A small file system of its own (tmpfs), when this machine lets the tests mount one (root, not in every CI). */
function mountTmpfs(at: string, size: string): boolean {
  mkdirSync(at, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', at]).status === 0;
}
const mounted: string[] = [];
afterAll(() => mounted.reverse().forEach((m) => spawnSync('umount', ['-l', m])));
const CAN_MOUNT = process.platform === 'linux' && mountTmpfs(join(dir, 'probe'), '64k') && (mounted.push(join(dir, 'probe')), true);

describe('a read-only database', () => {
  const ro = join(dir, 'ro');
  let db = '';
  beforeAll(async () => {
    if (!CAN_MOUNT) return;
    const src = join(dir, 'ro-src.duckdb');
    await cli('import', write(dir, 'ro.csv', 'id,email\n1,a@b.ru\n2,c@d.ru\n'), '--source', 's', '--entity', 'contacts', '--db', src);
    mountTmpfs(ro, '16m');
    mounted.push(ro);
    copyFileSync(src, join(ro, 'crm.duckdb'));
    expect(spawnSync('mount', ['-o', 'remount,ro', ro]).status).toBe(0);
    db = join(ro, 'crm.duckdb');
  });

  it.skipIf(!CAN_MOUNT)('on a read-only file system can be read by every reader, and a write is one line', async () => {
    expect((await cli('sql', 'SELECT count(*) AS n FROM contacts', '--db', db, '--format', 'json')).stdout).toMatch(/"n": 2/);
    expect((await cli('imports', '--db', db)).code).toBe(0);
    expect((await cli('report', 'data-quality', '--db', db, '--from', '2026-01-01', '--to', '2026-01-31')).code).toBe(0);
    const w = await cli('import', write(dir, 'ro2.csv', 'id,email\n3,e@f.ru\n'), '--source', 's', '--entity', 'contacts', '--db', db);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/^crmq: .*ro2\.csv: not imported: .*crm\.duckdb: cannot open the database: read-only file system\n$/);
  });

  it.skipIf(!CAN_MOUNT)('a new database in a read-only folder: one line naming the input and the database, nothing created', async () => {
    const w = await cli('import', write(dir, 'ro3.csv', 'id,email\n3,e@f.ru\n'), '--source', 's', '--entity', 'contacts', '--db', join(ro, 'new.duckdb'));
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/^crmq: .*ro3\.csv: not imported: .*new\.duckdb: cannot (open|write) the database: read-only file system\n$/);
    expect(existsSync(join(ro, 'new.duckdb'))).toBe(false);
  });
});

describe('a database in a folder that does not exist', () => {
  it('is one line naming the input and the missing folder, and creates nothing', async () => {
    const where = join(dir, 'no-such-folder', 'crm.duckdb');
    const w = await cli('import', write(dir, 'nf.csv', 'id,email\n1,a@b.ru\n'), '--source', 's', '--entity', 'contacts', '--db', where);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/^crmq: .*nf\.csv: not imported: .*no-such-folder\/crm\.duckdb: cannot create the database: there is no folder .*no-such-folder\n$/);
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
    const r = await cli('sql', 'SELECT 1', '--db', where);
    expect(r.stderr).toMatch(/no database here/);
  });
});

describe('a full disk', () => {
  // Simulated with a tmpfs of 2 MB when mounting is possible; else with a file size limit (ulimit -f) on a child process.
  it('while writing the database: one line naming the file, nothing changed', async () => {
    const rows = ['id,first_name,email', ...Array.from({ length: 40_000 }, (_, i) => `${i},Имя ${i},u${i}@example.ru`)].join('\n') + '\n';
    const file = write(dir, 'fill.csv', rows);
    let r: { code: number | null; stderr: string };
    let db: string;
    if (CAN_MOUNT) {
      const full = join(dir, 'full');
      mountTmpfs(full, '2m');
      mounted.push(full);
      db = join(full, 'crm.duckdb');
      await cli('import', write(dir, 'seed.csv', 'id,email\n1,a@b.ru\n'), '--source', 'seed', '--entity', 'contacts', '--db', db);
      r = await cli('import', file, '--source', 'fill', '--entity', 'contacts', '--db', db);
    } else {
      db = join(dir, 'ulimit.duckdb');
      await cli('import', write(dir, 'seed.csv', 'id,email\n1,a@b.ru\n'), '--source', 'seed', '--entity', 'contacts', '--db', db);
      const blocks = 2600; // 1.3 MB in 512-byte blocks: the database file may not grow much
      const sh = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f ${blocks}; exec "$0" "$@"`, process.execPath, BIN, 'import', file, '--source', 'fill', '--entity', 'contacts', '--db', db], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      r = { code: sh.status, stderr: sh.stderr };
    }
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^crmq: .*fill\.csv: not imported: .*crm\.duckdb: cannot write the database: (the disk is full|the file size limit is reached); nothing was changed\n$|^crmq: .*fill\.csv: not imported: (the disk is full|the file size limit is reached)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await query(db, 'SELECT source, count(*) AS n FROM contacts GROUP BY ALL')).toEqual([{ source: 'seed', n: 1 }]);
  });

  it.skipIf(!CAN_MOUNT)('while writing the temp copy: one line naming the file and the folder', async () => {
    const small = join(dir, 'smalltmp');
    mountTmpfs(small, '1m');
    mounted.push(small);
    const run = start(['import', big, '--source', 'big', '--entity', 'contacts', '--db', join(dir, 'tmpfull.duckdb')], { TMPDIR: small });
    const r = await run.exited;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^crmq: .*big-1251\.csv: cannot write its UTF-8 copy in .*smalltmp.*: the disk is full .*set TMPDIR/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
