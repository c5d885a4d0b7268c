import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The real bin/crmq.js runs as a process where the process is what is tested (--help, --version, exit codes, CRMQ_DB);
// the other command-line behaviour runs in-process through the same main() (a process costs about a CPU second).
import type { Manifest } from '../fixtures/generate.js';
import { demoInto, demoRun } from './demo.js';
import { cli, cliProcess, query, ROOT, tmp, write } from './helpers.js';

const dir = tmp();

describe('the crmq command', () => {
  it('--help lists every command', () => {
    const r = cliProcess(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['import', 'sql', 'imports', 'rejects', 'demo']) expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
  });

  it.each(['import', 'sql', 'imports', 'rejects', 'demo'])('%s --help exits 0 and documents --db', async (c) => {
    const r = await cli(c, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--db');
  });

  it('an unknown option or command is a usage error: exit 2', async () => {
    expect((await cli('import', 'x.csv', '--source', 's', '--bogus')).code).toBe(2);
    expect(cliProcess(['frobnicate']).code).toBe(2); // the real process
    const r = await cli('import', 'x.csv');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/required option '-s, --source <name>' not specified/);
  });

  it('a usage error is one line, with "did you mean" for a misspelt option or command', async () => {
    const cases: [string[], RegExp][] = [
      // --force is as close to --sorce as --source is: both are offered.
      [['import', 'x.csv', '--sorce', 's'], /^crmq import: unknown option '--sorce' \(did you mean one of --force, --source\?\)/],
      [['imprt', 'x.csv'], /^crmq: unknown command 'imprt' \(did you mean import\?\)/],
      [['rules', 'lst'], /^crmq rules: unknown command 'lst' \(did you mean list\?\)/],
      [['import', 'x.csv'], /^crmq import: required option '-s, --source <name>' not specified/],
      [['report', '--format', 'pdf'], /^crmq report: option '--format <format>' argument 'pdf' is invalid/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('--version is the package version', () => {
    const r = cliProcess(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('exit 0 for a clean import, 1 when rows were rejected, 2 for bad input; CRMQ_DB names the database', () => {
    const db = join(dir, 'env.duckdb');
    const env = { CRMQ_DB: db };
    expect(cliProcess(['import', write(dir, 'ok.csv', 'id,email\n1,a@b.ru\n'), '--source', 's', '--entity', 'contacts'], env).code).toBe(0);
    expect(cliProcess(['import', write(dir, 'bad.csv', 'id,email\n1,a@b.ru\n2,c@d.ru,x\n3,e@f.ru\n'), '--source', 't', '--entity', 'contacts'], env).code).toBe(1);
    expect(cliProcess(['import', join(dir, 'missing.csv'), '--source', 's'], env).code).toBe(2);
    const r = cliProcess(['sql', 'select source, count(*) as n from contacts group by all order by 1', '--format', 'json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ source: 's', n: 1 }, { source: 't', n: 2 }]);
  });

  it('sql prints csv and gives one line for a bad query', async () => {
    const db = join(dir, 'sql.duckdb');
    await cli('import', write(dir, 'q.csv', 'id,email\n1,=cmd@b.ru\n'), '--source', 's', '--entity', 'contacts', '--db', db);
    const csv = await cli('sql', 'select source_id, email from contacts', '--format', 'csv', '--db', db);
    expect(csv.stdout).toBe('source_id,email\n1,"\'=cmd@b.ru"\n'); // neutralised and quoted (docs/security.md)
    const bad = await cli('sql', 'select nope from contacts', '--db', db);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^crmq: sql: Binder Error: Referenced column "nope" not found/);
  });

  it("a SQL error keeps DuckDB's hint and the caret under the fault", async () => {
    const db = join(dir, 'sql-hint.duckdb');
    await cli('import', write(dir, 'h.csv', 'id,email\n1,a@b.ru\n'), '--source', 's', '--entity', 'contacts', '--db', db);
    const table = await cli('sql', 'select * from contact', '--db', db);
    expect(table.code).toBe(2);
    expect(table.stderr).toBe('crmq: sql: Catalog Error: Table with name contact does not exist! Did you mean "contacts"?\nLINE 1: select * from contact\n                      ^\n');
    const column = await cli('sql', 'select emial from contacts', '--db', db);
    expect(column.stderr).toMatch(/^crmq: sql: Binder Error: Referenced column "emial" not found in FROM clause! Candidate bindings: "email"/);
    expect(column.stderr.split('\n')[2]).toBe(' '.repeat('LINE 1: select '.length) + '^');
  });

  it('npm run fixtures -- --help prints help and writes nothing; an unknown option is a usage error', async () => {
    const { cli: fixtures } = await import('../fixtures/generate.js');
    const out = join(dir, 'fixtures-out');
    let text = '';
    expect(await fixtures(['--help', '--out', out], (s) => (text += s), () => {})).toBe(0);
    expect(text).toMatch(/--scale <n>/);
    expect(await fixtures(['--out', out, '--scael', '2'], () => {}, (s) => (text = s))).toBe(2);
    expect(text).toMatch(/Unknown option '--scael'/);
    expect(existsSync(out)).toBe(false);
  });

  it('crmq report <id> reads only that report\'s definition, and suggests the nearest id for a misspelt one', async () => {
    const extra = join(dir, 'extra-reports');
    write(extra, 'broken.yaml', 'category: [not, a, category]\n');
    write(extra, 'broken.sql', 'select 1');
    const none = join(dir, 'no.duckdb');
    // A named report never reads broken.yaml: it gets as far as the (missing) database.
    expect((await cli('report', 'funnel', '--reports', extra, '--db', none)).stderr).toMatch(/no\.duckdb: no database here/);
    expect((await cli('report', '--all', '--reports', extra, '--db', none)).stderr).toMatch(/broken\.yaml:1: category/);
    const typo = await cli('report', 'manager-rankin', '--db', none);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe('crmq: report "manager-rankin" does not exist (did you mean manager-ranking?) (see `crmq reports list`)\n');
  });

  it('sql on a database that does not exist says so', async () => {
    const r = await cli('sql', 'select 1', '--db', join(dir, 'none.duckdb'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/none\.duckdb: no database here/);
  });
});

describe('crmq demo', () => {
  it('builds a database from the bundled samples with every file accounted for', async () => {
    // The run's one real `bin/crmq.js demo --out <dir>` process (test/demo.ts), which other test files also read.
    const r = await demoRun();
    expect(r.code, r.stderr).toBe(0);
    const out = join(dir, 'out');
    await demoInto(out);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'fixtures/sample/manifest.json'), 'utf8')) as Manifest;
    const imports = await query<{ file: string; rows_read: number; rows_loaded: number; rows_rejected: number }>(join(out, 'demo.duckdb'), 'SELECT file, rows_read, rows_loaded, rows_rejected FROM imports');
    expect(imports).toHaveLength(manifest.files.length);
    for (const f of manifest.files) {
      const imp = imports.find((i) => i.file.endsWith(f.path))!;
      expect(imp.rows_read, f.path).toBe(manifest.rows[f.path]);
      const planted = manifest.rejects.filter((x) => x.path === f.path).length;
      expect(imp.rows_rejected, f.path).toBe(planted);
    }
    const rejects = await query<{ line: number }>(join(out, 'demo.duckdb'), 'SELECT line FROM rejects ORDER BY line');
    expect(rejects.map((x) => x.line).sort()).toEqual(manifest.rejects.map((x) => x.line).sort());
  });
});
