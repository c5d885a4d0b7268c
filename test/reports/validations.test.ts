// Each validation catches its failure: a fan-out join, a missing month, mixed currencies, a reconcile mismatch;
// and the outputs carry the status (XLSX read back with exceljs, self-contained HTML, JSON), exit codes for cron.
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/database.js';
import { cli, cliProcess, tmp, write } from '../helpers.js';
import { insertRows } from '../rules/rule-tester.js';
import { loadDataset, PERIOD } from './dataset.js';

const dir = tmp();
const db = join(dir, 'v.duckdb');
const custom = join(dir, 'custom-reports');

const yaml = (extra: string, columns = 'owner: { en: Owner, ru: Менеджер, type: text }\n  deals: { en: Deals, ru: Сделки, type: int, sum: true }\n  amount: { en: Amount, ru: Сумма, type: money, sum: false }') => `category: employees
title: { en: Test, ru: Тест }
description: { en: test, ru: тест }
formula: { en: test, ru: тест }
inputs: [deals]
columns:
  ${columns}
key: [owner]
${extra}`;

beforeAll(async () => {
  const d = await openDb(db);
  await loadDataset(d);
  // A dense source with deals in August and October 2026 but none in September: a missing month.
  const rows = ['2026-08', '2026-10'].flatMap((m) => Array.from({ length: 12 }, (_, i) => ({ source: 'dense', source_id: `${m}-${i}`, owner: 'Dora', created_at: `${m}-${String(i + 1).padStart(2, '0')} 10:00:00`, amount: 100, currency: 'RUB', status: 'open' })));
  await insertRows(d, 'deals', rows);
  d.close();
  // A join to stage history fans deals out: one row per history entry.
  write(custom, 'fanout-demo.sql', `SELECT d.owner, count(*) AS deals, sum(d.amount) AS amount FROM deals d JOIN deal_stage_history h ON h.source = d.source AND h.deal_id = d.source_id
    WHERE d.source = 's' AND in_period(d.created_at) GROUP BY d.owner`);
  write(custom, 'fanout-demo.yaml', yaml(`validations:
  fanout: [{ column: deals, expected: "SELECT count(*) AS value FROM deals WHERE source = 's' AND in_period(created_at) AND source_id IN (SELECT deal_id FROM deal_stage_history)" }]
  reconcile: [{ column: amount, expected: "SELECT sum(amount) AS value FROM deals WHERE source = 's' AND in_period(created_at) AND source_id IN (SELECT deal_id FROM deal_stage_history)" }]`));
  // Sums every currency together.
  write(custom, 'mixed-currency.sql', `SELECT owner, count(*) AS deals, sum(amount) AS amount FROM deals WHERE source = 's' AND in_period(created_at) GROUP BY owner`);
  write(custom, 'mixed-currency.yaml', yaml(`validations:
  currency: { entity: deals, where: "source = 's' AND in_period(created_at)", grouped: false }`));
  // Forgets one owner: the total does not reconcile.
  write(custom, 'reconcile-miss.sql', `SELECT owner, count(*) AS deals, sum(amount) AS amount FROM deals WHERE source = 's' AND in_period(created_at) AND owner = 'Anna' GROUP BY owner`);
  write(custom, 'reconcile-miss.yaml', yaml(`validations:
  reconcile: [{ column: amount, expected: "SELECT sum(amount) AS value FROM deals WHERE source = 's' AND in_period(created_at)" }]`));
  // Two rows for one owner: the grain is not what the key says.
  write(custom, 'grain-dup.sql', `SELECT owner, 1 AS deals, amount FROM deals WHERE source = 's' AND in_period(created_at)`);
  write(custom, 'grain-dup.yaml', yaml(''));
});

async function run(id: string, ...extra: string[]) {
  const r = await cli('report', id, '--reports', custom, '--db', db, '--from', PERIOD.from, '--to', PERIOD.to, '--as-of', PERIOD.asOf, '--format', 'json', ...extra);
  if (r.code === 2) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { status: string; validations: { name: string; status: string; message: { en: string } }[] };
}
const check = (r: Awaited<ReturnType<typeof run>>, name: string) => r.validations.filter((v) => v.name === name);

describe('each validation catches its failure', () => {
  it('a fan-out join: deal counts and amounts multiplied by the history rows', async () => {
    const r = await run('fanout-demo');
    expect(r.status).toBe('invalid');
    expect(check(r, 'grain').find((v) => v.status === 'invalid')!.message.en).toMatch(/counts rows more than once \(a join fans out\): total: 14 vs 4/);
    expect(check(r, 'reconcile')[0].message.en).toMatch(/amount does not reconcile with the base table: total: 24,000 vs 6,500/);
  });

  it('a missing month in a source dense enough to have one', async () => {
    const r = await run('new-deals-by-budget', '--from', '2026-08-01', '--to', '2026-10-31');
    expect(check(r, 'window')[0]).toMatchObject({ status: 'invalid' });
    expect(check(r, 'window')[0].message.en).toMatch(/no deals in part of the period: dense 2026-09/);
  });

  it('mixed currencies in one sum', async () => {
    const r = await run('mixed-currency');
    expect(check(r, 'currency')[0].status).toBe('invalid');
    expect(check(r, 'currency')[0].message.en).toBe('sums mix currencies (EUR, RUB) with no conversion');
  });

  it('a reconcile mismatch', async () => {
    const r = await run('reconcile-miss');
    expect(check(r, 'reconcile')[0].status).toBe('invalid');
    expect(check(r, 'reconcile')[0].message.en).toMatch(/total: 1,700 vs 6,700/);
  });

  it('a key that is not unique', async () => {
    const r = await run('grain-dup');
    expect(check(r, 'grain')[0].status).toBe('invalid');
  });

  it('--fail-on invalid exits 1 for cron; a valid report exits 0', () => {
    const base = ['--reports', custom, '--db', db, '--from', PERIOD.from, '--to', PERIOD.to, '--as-of', PERIOD.asOf, '--format', 'json'];
    expect(cliProcess(['report', 'reconcile-miss', ...base, '--fail-on', 'invalid']).code).toBe(1);
    expect(cliProcess(['report', 'receivables-aging', ...base, '--fail-on', 'invalid']).code).toBe(0);
  });
});

describe('report definitions and flags', () => {
  it('a bad definition names its file', async () => {
    const bad = join(dir, 'bad-reports');
    write(bad, 'broken.sql', 'SELECT 1 AS x');
    write(bad, 'broken.yaml', yaml('', 'x: { en: X, ru: X, type: banana }'));
    const r = await cli('report', 'broken', '--reports', bad, '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml:\d+: columns\.x\.type: "banana" is not one of/);
    write(bad, 'broken.yaml', yaml('').replace('inputs: [deals]', 'inputs: [deals]\nchart: { type: bar, x: nope, y: deals }'));
    expect((await cli('report', 'broken', '--reports', bad, '--db', db)).stderr).toMatch(/broken\.yaml: chart: "nope" is not one of the columns/);
  });

  it('every number column says whether it sums; money sums only per currency; a stacked chart only what sums', async () => {
    const bad = join(dir, 'bad-sums');
    write(bad, 'nosum.sql', 'SELECT 1 AS x');
    write(bad, 'nosum.yaml', yaml('', 'owner: { en: Owner, ru: Менеджер, type: text }\n  deals: { en: Deals, ru: Сделки, type: int }'));
    expect((await cli('report', 'nosum', '--reports', bad, '--db', db)).stderr).toMatch(/nosum\.yaml: columns\.deals: say whether a Total adds it up/);
    write(bad, 'nosum.yaml', yaml('', 'owner: { en: Owner, ru: Менеджер, type: text }\n  rate: { en: Rate, ru: Доля, type: percent, sum: true }'));
    expect((await cli('report', 'nosum', '--reports', bad, '--db', db)).stderr).toMatch(/columns\.rate: a percent column never sums/);
    write(bad, 'nosum.yaml', yaml('', 'owner: { en: Owner, ru: Менеджер, type: text }\n  amount: { en: Amount, ru: Сумма, type: money, sum: true }'));
    expect((await cli('report', 'nosum', '--reports', bad, '--db', db)).stderr).toMatch(/columns\.amount: money sums only per currency/);
    write(bad, 'nosum.yaml', yaml('chart: { type: stacked-bar, x: owner, y: avg }', 'owner: { en: Owner, ru: Менеджер, type: text }\n  avg: { en: Average, ru: Среднее, type: number, sum: false }'));
    expect((await cli('report', 'nosum', '--reports', bad, '--db', db)).stderr).toMatch(/chart: a stacked bar adds up "avg", which does not sum/);
  });

  it('a year is a label: 2026, never 2,026, and never in a Total', async () => {
    const custom2 = join(dir, 'years');
    write(custom2, 'by-year.sql', "SELECT year(created_at) AS year, count(*) AS deals FROM deals WHERE source = 's' GROUP BY 1 ORDER BY 1");
    write(custom2, 'by-year.yaml', yaml('', 'year: { en: Year, ru: Год, type: year }\n  deals: { en: Deals, ru: Сделки, type: int, sum: true }').replace('key: [owner]', 'key: [year]'));
    const base = ['--reports', custom2, '--db', db, '--from', '2026-01-01', '--to', '2026-12-31', '--as-of', PERIOD.asOf];
    const json = JSON.parse((await cli('report', 'by-year', ...base, '--format', 'json')).stdout);
    expect(json.totals).toEqual([{ year: null, deals: 6 }]);
    const text = (await cli('report', 'by-year', ...base, '--lang', 'ru')).stdout;
    // Right-aligned like every figure, but written without a group separator.
    expect(text).toMatch(/^\s*2026\s+6$/m);
    expect(text).not.toMatch(/2[,.\u00a0\u202f ]026/);
    expect(text).toMatch(/^Итого\s+6$/m);
    const out = join(dir, 'years-xlsx');
    await cli('report', 'by-year', ...base, '--format', 'xlsx', '--out', out);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, 'by-year.xlsx'));
    const ws = wb.worksheets[1];
    const header = ws.getRows(1, ws.rowCount)!.find((row) => row.getCell(1).value === 'Year')!;
    expect(ws.getCell(header.number + 1, 1).value).toBe('2026'); // text: a label, never 2,026
    expect([ws.getCell(header.number + 2, 1).value, ws.getCell(header.number + 2, 2).value]).toEqual(['Total', 6]);
  });

  it('a SQL error in a report names its .sql file', async () => {
    const bad = join(dir, 'bad-sql');
    write(bad, 'oops.sql', 'SELECT nope FROM deals');
    write(bad, 'oops.yaml', yaml(''));
    const r = await cli('report', 'oops', '--reports', bad, '--db', db);
    expect(r.stderr).toMatch(/oops\.sql: report oops failed in SQL: Binder Error/);
  });

  it('bad dates, unknown reports and categories are usage errors', async () => {
    expect((await cli('report', 'funnel', '--db', db, '--from', '2026-13-01')).stderr).toMatch(/--from: "2026-13-01" is not a date/);
    expect((await cli('report', 'nope', '--db', db)).stderr).toMatch(/report "nope" does not exist/);
    expect((await cli('report', '--category', 'magic', '--db', db)).stderr).toMatch(/--category: "magic" is not one of/);
    expect((await cli('report', '--db', db)).stderr).toMatch(/say which reports/);
  });

  it('reports list says which inputs the data has', async () => {
    const r = await cli('reports', 'list', '--db', db, '--format', 'json');
    const rows = JSON.parse(r.stdout) as { id: string; data: string }[];
    expect(rows.find((x) => x.id === 'funnel')!.data).toBe('yes');
  });

  it('--sql prints a script the duckdb shell can run: setup, then the query', async () => {
    const r = await cli('report', 'receivables-aging', '--sql', '--db', db, '--as-of', PERIOD.asOf);
    expect(r.stdout).toMatch(/^SET VARIABLE period_start = DATE '\d{4}-\d{2}-\d{2}';/);
    expect(r.stdout).toContain("SET VARIABLE as_of = DATE '2026-11-15';");
    expect(r.stdout).toContain('CREATE OR REPLACE TEMP MACRO in_period(t)');
    expect(r.stdout).toContain('FROM buckets b JOIN open o');
  });
});

describe('outputs carry the status and caveats', () => {
  it('XLSX: contents, a sheet per report with status rows, typed cells, frozen header, autofilter, per-currency totals; all validations and findings by rule', async () => {
    const out = join(dir, 'xlsx');
    const r = await cli('report', 'receivables-aging', 'manager-ranking', '--db', db, '--from', PERIOD.from, '--to', PERIOD.to, '--as-of', PERIOD.asOf, '--format', 'xlsx', '--out', out, '--lang', 'ru');
    expect(r.code, r.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, 'reports.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Содержание', 'Дебиторская задолженность', 'Рейтинг менеджеров', 'Все проверки', 'Находки по правилам']);
    const ws = wb.worksheets[1];
    expect(String(ws.getCell('A2').value)).toMatch(/^Статус: (достоверен|с оговорками|недостоверен)$/);
    const header = ws.getRows(1, ws.rowCount)!.find((row) => row.getCell(1).value === 'Дней просрочки')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: header.number });
    const data = ws.getRow(header.number + 1);
    expect(data.getCell(1).value).toBe('не просрочен');
    expect(data.getCell(4).value).toBe(500);
    expect(data.getCell(4).numFmt).toBe('#,##0.00');
    const totals = ws.getRow(header.number + 4); // one Total row per currency, as values a reader sees without recalculating
    expect([totals.getCell(1).value, totals.getCell(2).value, totals.getCell(3).value, totals.getCell(4).value]).toEqual(['Итого', 'RUB', 3, 1400]);
    expect(wb.getWorksheet('Все проверки')!.rowCount).toBeGreaterThan(3);
  });

  it('HTML: one self-contained page with a contents table, status banners, inline SVG charts and no network', async () => {
    const out = join(dir, 'html');
    await cli('report', '--category', 'budget', '--db', db, '--from', PERIOD.from, '--to', PERIOD.to, '--as-of', PERIOD.asOf, '--format', 'html', '--out', out);
    const html = readFileSync(join(out, 'reports.html'), 'utf8');
    expect(html).toMatch(/<nav><h3>Contents<\/h3>.*<h4>Budget<\/h4><ol><li data-status="\w+"><a href="#income-expense">Income and expense<\/a>/);
    expect(html).toMatch(/<div class="banner (valid|warning|invalid)" role="status"><strong>Status: /);
    expect((html.match(/<svg /g) ?? []).length).toBe(4); // two charts, each drawn wide and narrow
    expect(html).not.toMatch(/<script[^>]*src=|src="http|href="http|@import/); // one inline script (the search box), nothing fetched
    expect(html).toContain('@media print');
  });

  it('JSON: rows plus status, caveats and validations; CSV neutralises formulas', async () => {
    const r = await cli('report', 'receivables-aging', '--db', db, '--as-of', PERIOD.asOf, '--format', 'json');
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ id: 'receivables-aging', status: expect.stringMatching(/valid|warning|invalid/), caveats: expect.any(Array), validations: expect.any(Array) });
    expect(j.rows[0]).toEqual(expect.objectContaining({ bucket: expect.any(String), amount: expect.any(Number) }));
    const local = join(dir, 'inj.duckdb');
    const d = await openDb(local);
    await insertRows(d, 'activities', [{ source_id: 'x', type: 'task', owner: '=HYPERLINK("http://evil")', created_at: '2026-10-01 10:00:00' }]);
    d.close();
    const csv = await cli('report', 'tasks-by-owner', '--db', local, '--as-of', PERIOD.asOf, '--format', 'csv');
    expect(csv.stdout.split('\n')[1]).toBe(`"'=HYPERLINK(""http://evil"")",0,1,0`);
  });

  it('--lang ru labels every column and word', async () => {
    const r = await cli('report', 'tasks-by-owner', '--db', db, '--as-of', PERIOD.asOf, '--lang', 'ru');
    expect(r.stdout).toMatch(/Задачи по менеджерам\nСтатус: /);
    expect(r.stdout).toMatch(/Ответственный\s+Выполнено\s+Открыто\s+Просрочено/);
  });
});
