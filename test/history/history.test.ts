// `crmq history` on the demo's Bitrix24 deals after a second export a week later: rows, new/changed/gone, fill,
// drift findings per import, findings per check run, and a finding fixed in the CRM shown as resolved.
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { History } from '../../src/history/history.js';
import { cli, ROOT, tmp, write } from '../helpers.js';

const FIRST = join(ROOT, 'fixtures/sample/bitrix24/Сделки.csv');
const NEXT = join(ROOT, 'fixtures/sample/bitrix24/next-week/Сделки.csv');
const rowsOf = (file: string) => parse(iconv.decode(readFileSync(file), 'win1251'), { delimiter: ';', relax_column_count: true }) as string[][];
const byId = (rows: string[][]) => new Map(rows.slice(1).map((r) => [r[0], r.slice(0, 12).join('|')]));

const dir = tmp();
const db = join(dir, 'history.duckdb');
let h: History;

describe('crmq history after two exports of the demo deals', () => {
  const [a, b] = [byId(rowsOf(FIRST)), byId(rowsOf(NEXT))];
  // Independently of crmq: what the raw exports say changed.
  const gone = [...a.keys()].filter((id) => !b.has(id)).length;
  const added = [...b.keys()].filter((id) => !a.has(id)).length;
  const changed = [...b].filter(([id, row]) => a.has(id) && a.get(id) !== row).length;

  // A third export: deal 603 (planted: closed before it was created) has its close date fixed in the CRM.
  const fixedRows = rowsOf(NEXT).map((r) => (r[0] === '603' ? r.map((c, i) => (i === 8 ? '20.07.2026 10:00:00' : c)) : r));
  const fixed = write(dir, 'Сделки-fixed.csv', iconv.encode(fixedRows.map((r) => r.slice(0, 12).map((c) => `"${c}"`).join(';') + ';').join('\r\n') + '\r\n', 'win1251'));

  beforeAll(async () => {
    for (const step of [['import', FIRST], ['check', '--select', 'deals'], ['import', NEXT], ['check', '--select', 'deals'], ['import', fixed], ['check', '--select', 'deals']]) {
      const args = step[0] === 'import' ? [...step, '--source', 'b24'] : step;
      expect((await cli(...args, '--db', db)).code).toBeLessThan(2);
    }
    h = JSON.parse((await cli('history', '--source', 'b24', '--entity', 'deals', '--db', db, '--format', 'json')).stdout) as History;
  });

  it('shows each import with its rows and what changed, as the raw exports say', () => {
    expect(gone).toBe(2);
    expect(added).toBe(4);
    const [i1, i2] = h.imports;
    expect([i1.rows, i2.rows]).toEqual([a.size, b.size]);
    expect(i2).toMatchObject({ rows_change: b.size - a.size, rows_new: added, rows_gone: gone, rows_changed: changed, drift: 2 });
    expect(i1).toMatchObject({ rows_new: a.size, rows_changed: 0, rows_gone: 0, drift: 0 });
    expect(h.imports[2]).toMatchObject({ rows_new: 0, rows_changed: 1, rows_gone: 0 });
    expect(i2.fields.stage).toBe(100);
  });

  it('shows each check run with its findings by severity, the drift findings and what it resolved', () => {
    expect(h.runs.map((r) => r.drift)).toEqual([0, 2, 0]);
    const [r1, r2, r3] = h.runs;
    expect(r2.new).toBe(r2.findings - r1.findings + r2.resolved);
    expect(r3.resolved).toBeGreaterThanOrEqual(3); // the two drift findings of import 2, and deal 603's dates
    for (const r of h.runs) expect(r.error + r.warn + r.info).toBe(r.findings);
  });

  it('keeps first and last seen: a finding fixed in the CRM is resolved', () => {
    const f = h.findings.find((x) => x.rule === 'deal.dates.consistency' && x.source_id === '603')!;
    expect(f).toMatchObject({ status: 'resolved', first_seen: h.runs[0].at, last_seen: h.runs[1].at, resolved_at: h.runs[2].at });
    const won = h.findings.find((x) => x.rule === 'deal.won.consistency' && x.source_id === '602')!;
    expect(won).toMatchObject({ status: 'open', first_seen: h.runs[0].at, last_seen: h.runs[2].at, resolved_at: null });
    expect(h.findings.filter((x) => x.rule === 'deal.drift.values').map((x) => x.status)).toEqual(['resolved']);
  });

  it('prints a table, a long CSV, an HTML page with charts and an XLSX workbook with a chart image', async () => {
    const table = await cli('history', '--source', 'b24', '--entity', 'deals', '--db', db);
    expect(table.stdout).toMatch(/^\s+2 .* 86 +\+2 +4 +\d+ +2 /m);
    const csv = await cli('history', '--source', 'b24', '--entity', 'deals', '--db', db, '--format', 'csv');
    expect(csv.stdout).toContain(`import,2,${h.imports[1].at},b24,deals,rows_gone,2\n`);
    const html = join(dir, 'h.html');
    await cli('history', '--db', db, '--format', 'html', '-o', html);
    expect((readFileSync(html, 'utf8').match(/<svg/g) ?? []).length).toBe(4);
    const xlsx = join(dir, 'h.xlsx');
    expect((await cli('history', '--db', db, '--format', 'xlsx')).code).toBe(2);
    await cli('history', '--db', db, '--format', 'xlsx', '-o', xlsx);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Charts', 'Imports', 'Check runs', 'Findings by rule', 'Findings']);
    expect(wb.getWorksheet('Charts')!.getImages().length).toBe(4);
    expect(wb.getWorksheet('Imports')!.getRow(3).getCell(7).value).toBe(86);
  });
});
