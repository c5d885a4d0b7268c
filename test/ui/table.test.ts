// Terminal tables: display widths (Cyrillic, combining accents, wide CJK), numbers right-aligned, fitting a terminal.
import { join } from 'node:path';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { reportTable } from '../../src/ui/report-table.js';
import { displayWidth, renderTable, truncate } from '../../src/ui/table.js';
import { cli, tmp, write } from '../helpers.js';

const lines = (s: string) => s.split('\n');
/** The display column where each line's text ends. */
const ends = (s: string) => lines(s).map((l) => stringWidth(l));

describe('renderTable', () => {
  it('measures display columns: Cyrillic 1, a combining accent 0, a CJK character 2', () => {
    const rows = [{ name: 'Иванов', n: 1 }, { name: 'Ёлкин\u0301', n: 22 }, { name: '東京', n: 333 }, { name: 'ab', n: 4444 }];
    const t = renderTable(rows);
    // Numbers right-aligned: every line (header and rule included) ends in the same column.
    expect(new Set(ends(t)).size).toBe(1);
    expect(lines(t)[0]).toBe('name       n');
    expect(lines(t).slice(2).map((l) => l.slice(-4))).toEqual(['   1', '  22', ' 333', '4444']);
  });

  it('right-aligns the columns it is told are numbers (formatted report figures) and left-aligns text', () => {
    const rows = [{ who: 'a', amount: '450,000,664,000.00' }, { who: 'bb', amount: '68,500.00' }];
    const t = renderTable(rows, ['who', 'amount'], { right: ['amount'] });
    expect(lines(t).slice(2)).toEqual(['a    450,000,664,000.00', 'bb            68,500.00']);
    expect(lines(renderTable(rows, ['who', 'amount']))[3]).toBe('bb   68,500.00');
  });

  it('fits the terminal: cuts the widest text columns with …, never the numbers', () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({
      id: 1000 + i, name: 'Дарья Александровна Новикова'.repeat(i + 1), email: `someone.with.a.long.address${i}@example-company.ru`, amount: 1234567.5 * (i + 1), city: 'Санкт-Петербург',
    }));
    const wide = renderTable(rows);
    expect(Math.max(...ends(wide))).toBeGreaterThan(80);
    const t = renderTable(rows, undefined, { width: 80 });
    expect(Math.max(...ends(t))).toBeLessThanOrEqual(80);
    expect(t).toContain('…');
    for (const r of rows) expect(t).toContain(String(r.amount));
    expect(t).toContain('Санкт-Петербург'); // narrow enough to stay whole
  });

  it('prints one record per block when even cut columns cannot fit', () => {
    const row = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`column_${i}`, `value number ${i}`]));
    const t = renderTable([row, row], undefined, { width: 60 });
    expect(Math.max(...ends(t))).toBeLessThanOrEqual(60);
    expect(lines(t).filter((l) => /^── \d+ ─/.test(l))).toHaveLength(2);
    expect(lines(t)).toContain('column_19  value number 19');
  });

  it('truncates by graphemes to a display width', () => {
    expect(truncate('Александр Орлов', 10)).toBe('Александр…');
    expect(stringWidth(truncate('東京都千代田区', 6))).toBeLessThanOrEqual(6);
    expect(truncate('e\u0301e\u0301e\u0301e\u0301', 3)).toBe('e\u0301e\u0301…');
  });
});

describe('tables in commands', () => {
  const dir = tmp();
  const db = join(dir, 't.duckdb');
  const run = async (columns: number | undefined, ...args: string[]) => {
    let stdout = '';
    const code = await main(['node', 'crmq', ...args], { stdout: (s) => (stdout += s), stderr: () => {}, columns });
    expect(code).toBe(0);
    return stdout;
  };

  it('crmq sql fits a terminal of 80 columns and prints whole rows when piped', async () => {
    const csv = write(dir, 'c.csv', ['source_id,full_name,email,phone,company_name,city',
      ...Array.from({ length: 4 }, (_, i) => `${i},Дарья Александровна Новикова-Щедрина ${i},daria.novikova.shchedrina${i}@granit-stroy.ru,+7 957 345 90 5${i},ООО «Сибирь Логистик Северо-Запад»,Санкт-Петербург`)].join('\n'));
    expect((await cli('import', csv, '--source', 's', '--preset', 'canonical', '--entity', 'contacts', '--db', db)).code).toBe(0);
    const q = 'select source_id, full_name, email, phone, company_name, city, source_line from contacts order by 1';
    const fitted = await run(80, 'sql', q, '--db', db);
    expect(Math.max(...ends(fitted))).toBeLessThanOrEqual(80);
    expect(fitted).toContain('…');
    const piped = await run(undefined, 'sql', q, '--db', db);
    expect(piped).toContain('daria.novikova.shchedrina3@granit-stroy.ru');
    // source_line is a number: right-aligned under its header.
    expect(lines(piped)[2].endsWith('          2')).toBe(true);
    const blocks = await run(40, 'sql', 'select * from contacts order by source_id', '--db', db);
    expect(Math.max(...ends(blocks))).toBeLessThanOrEqual(40);
    expect(blocks).toMatch(/^── 1 ─/m);
  });

  it('crmq report right-aligns figures by column type and fits the terminal', () => {
    const col = (name: string, type: string) => ({ name, en: name, ru: name, type });
    const r = {
      id: 'x', category: 'operational', title: { en: 'X', ru: 'X' }, description: { en: '', ru: '' }, formula: { en: '', ru: '' },
      period: { start: '2026-01-01', end: '2026-01-31', asOf: '2026-02-01' }, params: {}, validations: [], status: 'valid' as const, seconds: 0,
      totals: [], totalBy: [], noData: [], notes: [], key: ['manager'], inputs: ['deals'],
      columns: [col('manager', 'text'), col('won_amount', 'money'), col('win_rate', 'percent'), col('deals', 'int'), col('note', 'text')],
      rows: [
        { manager: 'Александр Орлов', won_amount: 450000664000, win_rate: 0.571, deals: 8, note: 'a long remark about this manager '.repeat(3) },
        { manager: 'Ольга Крылова', won_amount: 68500, win_rate: 0.5, deals: 120, note: null },
      ],
    };
    const t = reportTable(r, 'en', 80);
    const body = lines(t).filter((l) => l.includes('Орлов') || l.includes('Крылова'));
    expect(Math.max(...ends(t))).toBeLessThanOrEqual(80);
    // The money column's figures end in the same column, the longer one starting further left.
    const end = (l: string, s: string) => stringWidth(l.slice(0, l.indexOf(s) + s.length));
    expect(end(body[0], '450,000,664,000.00')).toBe(end(body[1], '68,500.00'));
    expect(end(body[0], '57.1%')).toBe(end(body[1], '50%'));
  });
});

describe('displayWidth', () => {
  it('agrees with string-width on every character below U+2600 and on mixed text', () => {
    const disagree: string[] = [];
    for (let cp = 0x20; cp < 0x2600; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      for (const s of [ch, `a${ch}`, `${ch}b`, `Ж${ch}${ch}`]) if (displayWidth(s) !== stringWidth(s)) disagree.push(`U+${cp.toString(16)} in ${JSON.stringify(s)}`);
    }
    expect(disagree).toEqual([]);
    for (const s of ['Александр Орлов', '4 432 004,03 ₽', 'Ёлка—ёж…', 'e\u0301', 'й', '名前', '👍🏽 ok', '\u00ad', 'x\u200by']) expect(displayWidth(s)).toBe(stringWidth(s));
  });
});
