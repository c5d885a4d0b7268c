// Progress lines: rows, share, rate and ETA on a terminal; nothing in CI or when stderr is not a terminal.
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCommand } from '../../src/commands/import.js';
import { progressFor, progressLine, showsProgress } from '../../src/ui/progress.js';
import { cliProcess, tmp, write } from '../helpers.js';

/** A stream that says it is a terminal of `columns` columns and keeps what is written. */
function fakeTerminal(columns = 100) {
  const chunks: string[] = [];
  const s = new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) }) as unknown as NodeJS.WriteStream & { chunks: string[] };
  Object.assign(s, { isTTY: true, columns, chunks });
  return s;
}

describe('progress', () => {
  let ci: string | undefined;
  beforeEach(() => {
    ci = process.env.CI;
    delete process.env.CI;
  });
  afterEach(() => {
    if (ci !== undefined) process.env.CI = ci;
  });

  it('says rows done of the total, the share, the rate and the time left', () => {
    const line = progressLine({ label: 'a.csv: loading', total: 1_000_000, unit: 'rows', queryPct: 41, started: 0 }, 2000);
    expect(line).toBe('a.csv: loading  [########............]  41%  410,000 of 1,000,000 rows  205,000 rows/s  ETA 3 s');
    expect(progressLine({ label: 'check', now: 'contacts: 14 row rules', total: 38, unit: 'rules', done: 19, started: 0 }, 60_000)).toMatch(/check: contacts: 14 row rules .* 50%  19 of 38 rules  0 rules\/s  ETA 1 min 0 s/);
    expect(progressLine({ label: 'pull hubspot contacts', unit: 'records', done: 2500, started: 0 }, 5000)).toBe('pull hubspot contacts  2,500 records  500 records/s');
  });

  it('draws only on a terminal, and never in CI or on a dumb terminal', () => {
    expect(showsProgress(fakeTerminal(), {})).toBe(true);
    expect(showsProgress(fakeTerminal(), { CI: 'true' })).toBe(false);
    expect(showsProgress(fakeTerminal(), { TERM: 'dumb' })).toBe(false);
    expect(showsProgress(new Writable() as unknown as NodeJS.WriteStream, {})).toBe(false);
  });

  it('shows an import file by file: MB read, then rows checked and loaded, within the terminal width', async () => {
    const dir = tmp();
    const csv = write(dir, 'c.csv', ['source_id,full_name,email', ...Array.from({ length: 2000 }, (_, i) => `${i},Имя Фамилия ${i},x${i}@example.com`)].join('\n'));
    const term = fakeTerminal(70);
    const [r] = await importCommand([csv], { db: join(dir, 'p.duckdb'), source: 's', preset: 'canonical', entity: 'contacts', progress: (db) => progressFor(db.conn, { stream: term }) });
    expect(r.rowsLoaded).toBe(2000);
    const drawn = term.chunks.join('').split('\r\x1b[2K').filter(Boolean);
    expect(drawn.some((l) => /^c\.csv: reading .* MB/.test(l))).toBe(true);
    expect(drawn.some((l) => /^c\.csv: loading .*2,000 rows/.test(l))).toBe(true);
    expect(drawn.every((l) => [...l].length <= 69)).toBe(true);
    expect(term.chunks.at(-1)).toBe('\r\x1b[2K'); // the line is cleared at the end
  });

  it('writes no progress when stderr is piped', () => {
    const dir = tmp();
    const csv = write(dir, 'c.csv', 'source_id,full_name\n1,A\n');
    const r = cliProcess(['import', csv, '--source', 's', '--preset', 'canonical', '--entity', 'contacts', '--db', join(dir, 'q.duckdb')]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/\r|\x1b/);
  });
});
