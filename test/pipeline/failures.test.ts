// `crmq run` when things go wrong: SMTP refusals and drops (a clear line, exit 2, nothing half-written), two runs at
// once, a stale lock, pipeline files with mistakes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, query, spawnCli, tmp, write } from '../helpers.js';
import { pipeline, smtp, vanishingSmtp } from './smtp.js';

describe('SMTP failures: a clear line, exit 2, no half-written state', () => {
  it('the server refuses the login', async () => {
    const server = await smtp({ password: 'other' });
    const dir = tmp();
    const r = await cli('run', pipeline(dir, server.url));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^crmq: SMTP smtp:\/\/crmq:\*\*\*@127\.0\.0\.1:\d+: authentication failed \(535 Invalid username or password\)/);
    expect(r.stderr).not.toContain('secret');
    expect(existsSync(join(dir, 'out/.crmq-last-delivery.json'))).toBe(false);
    expect(existsSync(join(dir, 'crm.duckdb.run.lock'))).toBe(false);
    // Everything before the delivery is committed and consistent.
    const [imp] = await query<{ n: number; ok: boolean }>(join(dir, 'crm.duckdb'), 'SELECT count(*) AS n, bool_and(rows_read = rows_loaded + rows_rejected) AS ok FROM imports');
    expect(imp).toEqual({ n: 2, ok: true });
  });

  it('the server goes away in the middle of the message', async () => {
    const dir = tmp();
    const r = await cli('run', pipeline(dir, await vanishingSmtp()));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/crmq: SMTP smtp:\/\/crmq:\*\*\*@127\.0\.0\.1:\d+: connection failed or closed while sending/);
    expect(existsSync(join(dir, 'out/.crmq-last-delivery.json'))).toBe(false);
  });

  it('a recipient the server refuses', async () => {
    const server = await smtp({ refuse: (a) => a.startsWith('sales@') });
    const dir = tmp();
    const file = pipeline(dir, server.url);
    writeFileSync(file, readFileSync(file, 'utf8').replace('to: [boss@example.ru, sales@example.ru]', 'to: [sales@example.ru]'));
    const r = await cli('run', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the server refused the envelope \(550 No such user here: sales@example\.ru\)/);
  });

  it('a failed step mails the operators instead of the report', async () => {
    const server = await smtp();
    const dir = tmp();
    const file = pipeline(dir, server.url, `operators:\n  to: [ops@example.ru]`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('bitrix24/Сделки.csv', 'bitrix24/missing.csv'));
    const r = await cli('run', file);
    expect(r.code).toBe(2);
    expect(server.received).toHaveLength(1);
    expect(server.received[0].to).toEqual(['ops@example.ru']);
    expect(server.received[0].mail.subject).toBe('crmq run failed: Sales weekly (step import)');
    expect(server.received[0].mail.text).toMatch(/import: .*missing\.csv: no such file/);
  });
});

describe('unattended behaviour', () => {
  it('two runs never overlap; a stale lock from a crashed run is cleared', async () => {
    const server = await smtp();
    const dir = tmp();
    const file = pipeline(dir, server.url);
    const lock = join(dir, 'crm.duckdb.run.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, started: '2026-11-26T03:00:00Z' }));
    const held = await cli('run', file);
    expect(held.code).toBe(2);
    expect(held.stderr).toMatch(new RegExp(`another run is in progress \\(pid ${process.pid}, since 2026-11-26T03:00:00Z\\)`));
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, started: '2026-11-26T03:00:00Z' }));
    const after = await cli('run', file, '--dry-run');
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/"event":"stale_lock_cleared"/);
    expect(existsSync(lock)).toBe(false);
  });

  it('a second process started during a run is refused', async () => {
    const server = await smtp();
    const dir = tmp();
    const file = pipeline(dir, server.url);
    const first = spawnCli(['run', file, '--dry-run']);
    // Read the first run's output (a full pipe would stop it) and listen for its end now: it may end before the second does.
    let output = '';
    first.stdout.on('data', (d) => (output += d));
    first.stderr.on('data', (d) => (output += d));
    let ended = false;
    const exited = new Promise((res) => first.on('close', (c) => res(((ended = true), c))));
    const lock = join(dir, 'crm.duckdb.run.lock');
    // Until the first run holds the lock, however long its start takes on a busy machine (it took over 5 s at load 7).
    while (!existsSync(lock) && !ended) await new Promise((res) => setTimeout(res, 25));
    expect(ended, `the first run ended before it took the lock: ${output}`).toBe(false);
    const second = await cli('run', file, '--dry-run');
    const code = await exited;
    expect(second.stderr).toMatch(/another run is in progress/);
    expect(second.code).toBe(2);
    expect(code, output).toBe(1);
  });

  it('pipeline errors name the line', async () => {
    const dir = tmp();
    const bad = write(dir, 'bad.yaml', 'steps:\n  - import:\n      files: x.csv\n      sauce: b24\n');
    const r = await cli('run', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^crmq: .*bad\.yaml:4: steps\.0\.import: unknown key sauce \(did you mean source\?\)\n$/);
    const bad2 = write(dir, 'bad2.yaml', 'timezone: Mars/Olympus\nsteps:\n  - report: { all: true, period: last-full-month }\n');
    expect((await cli('run', bad2)).stderr).toMatch(/bad2\.yaml:1: timezone: "Mars\/Olympus" is not a time zone/);
    const bad3 = write(dir, 'bad3.yaml', 'steps:\n  - report: { all: true, period: fortnight }\n');
    expect((await cli('run', bad3)).stderr).toMatch(/bad3\.yaml:2: steps\.0\.report\.period: "fortnight" is not one of yesterday, last-7-days/);
    for (const [name, text, message] of [
      ['file.yaml', 'steps:\n  - import:\n      file: x.csv\n      source: b24\n', /file\.yaml:3: steps\.0\.import: unknown key file \(did you mean files\?\)/],
      ['lastweek.yaml', 'steps:\n  - report:\n      all: true\n      period: last-week\n', /lastweek\.yaml:4: steps\.0\.report\.period: "last-week" is not one of/],
      ['env.yaml', 'db: ${CRMQ_TEST_UNSET_VAR}/crm.duckdb\nsteps:\n  - check: {}\n', /env\.yaml:1: db: environment variable CRMQ_TEST_UNSET_VAR is not set/],
    ] as const) {
      const r2 = await cli('run', write(dir, name, text));
      expect(r2.code, name).toBe(2);
      expect(r2.stderr, name).toMatch(message);
      expect(r2.stderr.trim().split('\n'), name).toHaveLength(1);
    }
  });
});
