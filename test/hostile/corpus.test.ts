// A generated corpus of odd and hostile import files. For each: the exit code, the one line it must print (stderr
// for a failure, a line of the summary otherwise) and the values that must be loaded. A failure changes nothing.
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, query, tmp, write } from '../helpers.js';

const dir = tmp();
const db = join(dir, 'corpus.duckdb');

interface Case {
  /** The file's name: quotes, ;, a line break and Cyrillic are all allowed in file names. */
  file: string;
  make: (path: string) => Promise<void> | void;
  args?: string[];
  exit: 0 | 1 | 2;
  /** Exit 2: the one line on stderr. Exit 0/1: a line of the summary on stdout. */
  message?: RegExp;
  /** The values loaded: a query over the rows of this case's source ({source}). */
  values?: { sql: string; rows: Record<string, unknown>[] };
}

const csv = (lines: (string | number)[][]) => lines.map((l) => l.join(',')).join('\n') + '\n';
const bytes = (...parts: (string | Buffer | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Array.isArray(p) ? Buffer.from(p) : p)));

async function xlsx(path: string, build: (wb: ExcelJS.Workbook) => void) {
  const wb = new ExcelJS.Workbook();
  build(wb);
  await wb.xlsx.writeFile(path);
}

/** Rewrites an XLSX with its parts in another order (workbook.xml last), as some generators write them. */
async function reorder(path: string) {
  const zip = await JSZip.loadAsync(readFileSync(path));
  const names = Object.keys(zip.files).filter((n) => !zip.files[n].dir);
  const out = new JSZip();
  const last = ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/sharedStrings.xml'];
  for (const n of [...names.filter((x) => !last.includes(x)).sort().reverse(), ...last.filter((x) => names.includes(x))]) out.file(n, await zip.files[n].async('nodebuffer'));
  writeFileSync(path, await out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}

const contacts = (source: string) => `SELECT source_id, full_name, email FROM contacts WHERE source = '${source}' ORDER BY source_line`;
const deals = (source: string) => `SELECT source_id, amount, extra->>'unparsed.amount' AS kept FROM deals WHERE source = '${source}' ORDER BY source_line`;

const CASES: Case[] = [
  // Binary and not-quite-text
  { file: 'photo.csv', make: (p) => writeFileSync(p, bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], Buffer.alloc(64, 7))), exit: 2, message: /photo\.csv: not a text file \(a PNG image\)/ },
  { file: 'book.csv', make: (p) => writeFileSync(p, bytes([0x50, 0x4b, 0x03, 0x04], Buffer.alloc(64))), exit: 2, message: /book\.csv: not a text file \(a ZIP archive/ },
  { file: 'old.xls', make: (p) => writeFileSync(p, bytes([0xd0, 0xcf, 0x11, 0xe0], Buffer.alloc(64))), exit: 2, message: /old\.xls: legacy \.xls is not supported/ },
  { file: 'empty.csv', make: (p) => writeFileSync(p, ''), exit: 2, message: /empty\.csv: the file is empty/ },
  // Encodings with single bad bytes
  {
    file: 'utf8-bad-row4.csv', exit: 1, message: /row 4: not valid UTF-8/, args: ['--entity', 'contacts'],
    make: (p) => writeFileSync(p, bytes('id,first_name,email\n1,Анна,a@x.ru\n2,Борис,b@x.ru\n3,Bad', [0xff], ' byte,c@x.ru\n4,Пётр,d@x.ru\n')),
    values: { sql: contacts('{source}'), rows: [{ source_id: '1', full_name: 'Анна', email: 'a@x.ru' }, { source_id: '2', full_name: 'Борис', email: 'b@x.ru' }, { source_id: '4', full_name: 'Пётр', email: 'd@x.ru' }] },
  },
  {
    // Past the 256 KB head: the file was UTF-8 up to row 4,001 (was: all of it re-read as Windows-1251 mojibake)
    file: 'utf8-bad-row4001.csv', exit: 1, message: /row 4001: not valid UTF-8/, args: ['--entity', 'contacts'],
    make: (p) => writeFileSync(p, bytes('id,first_name,email\n', Array.from({ length: 3999 }, (_, i) => `${i + 1},Имя Фамилия Отчество ${i},u${i}@пример.рф\n`).join(''), '4000,Bad', [0xc0, 0x20], 'x,z@x.ru\n4001,Последний,last@x.ru\n')),
    values: { sql: `SELECT count(*) AS n, max(full_name) FILTER (WHERE source_id = '4001') AS last, max(full_name) FILTER (WHERE source_id = '7') AS seventh FROM contacts WHERE source = '{source}'`, rows: [{ n: 4000, last: 'Последний', seventh: 'Имя Фамилия Отчество 6' }] },
  },
  {
    file: 'cp1251-with-utf8-rows.csv', exit: 0, message: /lines 4, 6 of this windows-1251 file are UTF-8: read as UTF-8, not garbled/, args: ['--entity', 'contacts'],
    make: (p) => writeFileSync(p, bytes(iconv.encode('id;first_name;email\n1;Анна;a@x.ru\n2;Борис;b@x.ru\n', 'win1251'), '3;Вера;v@x.ru\n', iconv.encode('4;Глеб;g@x.ru\n', 'win1251'), '5;Дина;d@x.ru\n')),
    values: { sql: `SELECT list(full_name ORDER BY source_line) AS names FROM contacts WHERE source = '{source}'`, rows: [{ names: ['Анна', 'Борис', 'Вера', 'Глеб', 'Дина'] }] },
  },
  {
    file: 'cp1251-forced-utf8.csv', exit: 2, args: ['--entity', 'contacts', '--encoding', 'utf-8'], message: /cp1251-forced-utf8\.csv:2: not valid UTF-8 \(lines 2, 3\); try --encoding windows-1251/,
    make: (p) => writeFileSync(p, iconv.encode('id;first_name\n1;Анна\n2;Борис\n', 'win1251')),
  },
  { file: 'koi8.csv', exit: 0, args: ['--entity', 'contacts', '--encoding', 'koi8-r'], make: (p) => writeFileSync(p, iconv.encode('id;first_name\n1;Анна\n', 'koi8-r')), values: { sql: contacts('{source}'), rows: [{ source_id: '1', full_name: 'Анна', email: null }] } },
  // NUL and Ctrl-Z
  {
    file: 'nul-in-head.csv', exit: 1, args: ['--entity', 'contacts'], message: /row 3: a NUL byte \(0x00\) in a value/,
    make: (p) => writeFileSync(p, bytes('id,first_name\n1,Anna\n2,Bo', [0], 'ris\n3,Vera\n')),
    values: { sql: contacts('{source}'), rows: [{ source_id: '1', full_name: 'Anna', email: null }, { source_id: '3', full_name: 'Vera', email: null }] },
  },
  {
    file: 'nul-deep.csv', exit: 1, args: ['--entity', 'contacts'], message: /row 2999: a NUL byte/,
    make: (p) => writeFileSync(p, bytes('id,first_name\n', Array.from({ length: 2997 }, (_, i) => `${i + 1},N${i}\n`).join(''), '2998,x', [0], 'y\n')),
    values: { sql: `SELECT count(*) AS n, count(*) FILTER (WHERE contains(full_name, chr(0))) AS with_nul FROM contacts WHERE source = '{source}'`, rows: [{ n: 2997, with_nul: 0 }] },
  },
  {
    file: 'ctrl-z.csv', exit: 0, args: ['--entity', 'contacts'], message: /read 2, loaded 2, rejected 0/,
    make: (p) => writeFileSync(p, bytes('id,first_name\r\n1,Anna\r\n2,Vera\r\n', [0x1a])),
    values: { sql: contacts('{source}'), rows: [{ source_id: '1', full_name: 'Anna', email: null }, { source_id: '2', full_name: 'Vera', email: null }] },
  },
  {
    // A Ctrl-Z line in the middle is no record (was: loaded as a contact whose id is the 0x1A byte); nor is a value with one
    file: 'ctrl-z-middle.csv', exit: 1, args: ['--entity', 'contacts'], message: /row 3: a Ctrl-Z \(0x1A\) inside the file/,
    make: (p) => writeFileSync(p, bytes('id,first_name\n1,Anna\n', [0x1a], '\n2,Vera\n3,Bo', [0x1a], 'ris\n')),
    values: { sql: contacts('{source}'), rows: [{ source_id: '1', full_name: 'Anna', email: null }, { source_id: '2', full_name: 'Vera', email: null }] },
  },
  // Numbers in every locale and exponent form: right, or raw in extra and reported; never another number
  {
    file: 'numbers-point.csv', exit: 0, args: ['--preset', 'canonical', '--entity', 'deals'], message: /unparsed values kept in extra: amount 5/,
    make: (p) => writeFileSync(p, csv([['id', 'title', 'amount'], [1, 'a', '1e309'], [2, 'b', '1.5e3'], [3, 'c', '"1 234 567,89"'], [4, 'd', '"1,234,567.89"'], [5, 'e', '12.50'], [6, 'f', '"(100)"'], [7, 'g', '"1,5"'], [8, 'h', '-3.25'], [9, 'i', '"$1,200.00"'], [10, 'j', '0x1F']])),
    values: {
      sql: deals('{source}'),
      rows: [
        { source_id: '1', amount: null, kept: '1e309' }, { source_id: '2', amount: 1500, kept: null }, { source_id: '3', amount: null, kept: '1 234 567,89' },
        { source_id: '4', amount: 1234567.89, kept: null }, { source_id: '5', amount: 12.5, kept: null }, { source_id: '6', amount: null, kept: '(100)' },
        { source_id: '7', amount: null, kept: '1,5' }, { source_id: '8', amount: -3.25, kept: null }, { source_id: '9', amount: 1200, kept: null }, { source_id: '10', amount: null, kept: '0x1F' },
      ],
    },
  },
  {
    file: 'numbers-comma.csv', exit: 0, args: ['--preset', 'canonical', '--entity', 'deals', '--delimiter', ';'], message: /formats: amount: decimal comma/,
    make: (p) => writeFileSync(p, ['id;title;amount', '1;a;1 234 567,89', '2;b;1.234,5', '3;c;12,5', '4;d;1.5e3', '5;e;1\u00a0500,00 ₽', "6;f;1'234,5", '7;g;−7,25'].join('\n') + '\n'),
    values: {
      sql: deals('{source}'),
      rows: [
        { source_id: '1', amount: 1234567.89, kept: null }, { source_id: '2', amount: 1234.5, kept: null }, { source_id: '3', amount: 12.5, kept: null }, { source_id: '4', amount: null, kept: '1.5e3' },
        { source_id: '5', amount: 1500, kept: null }, { source_id: '6', amount: 1234.5, kept: null }, { source_id: '7', amount: -7.25, kept: null },
      ],
    },
  },
  // Flags and mapping files
  { file: 'double-delim.csv', exit: 2, args: ['--entity', 'contacts', '--delimiter', ';;'], make: (p) => writeFileSync(p, 'id;;name\n1;;Anna\n'), message: /--delimiter: ";;" is not one character/ },
  {
    file: 'mapped.csv', exit: 2, args: ['--entity', 'contacts', '--mapping', '{dir}/no-entity.yaml'], message: /no-entity\.yaml:3: columns\.Email: "e_mail" is not a field of contacts \(did you mean email\?\)/,
    make: (p) => {
      writeFileSync(p, 'Id,Email\n1,a@x.ru\n');
      write(dir, 'no-entity.yaml', 'id: Id\ncolumns:\n  Email: e_mail\n');
    },
  },
  // JSON
  {
    file: 'deep.json', exit: 1, message: /row 2: record nested more than 64 levels deep/,
    make: (p) => writeFileSync(p, `{"results":[{"id":"1","properties":{"email":"a@x.ru"}},{"id":"2","properties":{"deep":${'{"a":'.repeat(20000)}1${'}'.repeat(20000)}}},{"id":"3","properties":{"email":"c@x.ru"}}]}`),
    values: { sql: `SELECT list(source_id ORDER BY source_id) AS ids FROM contacts WHERE source = '{source}'`, rows: [{ ids: ['1', '3'] }] },
  },
  { file: 'deeper.json', exit: 2, message: /deeper\.json: no record can be read \(record 1: record is not a JSON object\)/, make: (p) => writeFileSync(p, `[${'['.repeat(100000)}1${']'.repeat(100000)}]`) },
  {
    // Numbers JSON.parse cannot hold: an id past 2^53 (was 12345678901234567000, another record's id) and 1e309 (was "Infinity")
    file: 'big-numbers.json', exit: 0, args: ['--entity', 'deals'], message: /unparsed values kept in extra: amount 1/,
    make: (p) => writeFileSync(p, '{"data":[{"id":12345678901234567891,"title":"a","value":1e309},{"id":2,"title":"b","value":1.5e3},{"id":9007199254740993,"title":"c","value":0.1}]}'),
    values: {
      sql: deals('{source}'),
      rows: [{ source_id: '12345678901234567891', amount: null, kept: '1e309' }, { source_id: '2', amount: 1500, kept: null }, { source_id: '9007199254740993', amount: 0.1, kept: null }],
    },
  },
  { file: 'cut.json', exit: 2, message: /cut\.json: invalid JSON/, make: (p) => writeFileSync(p, '{"results":[{"id":"1","properties":{"email":"a@x.r') },
  // XLSX
  {
    file: 'formula-no-cache.xlsx', exit: 0, args: ['--entity', 'contacts'], message: /1 formula cell without a saved value \(Email, row 3\): left empty, the formula kept in extra as "formula\.Email"/,
    make: (p) => xlsx(p, (wb) => {
      const ws = wb.addWorksheet('Contacts');
      ws.addRow(['ID', 'First Name', 'Email']);
      ws.addRow(['1', 'Anna', 'a@x.ru']);
      ws.addRow(['2', 'Boris', { formula: 'lower(B3)&"@formula.test"' } as ExcelJS.CellFormulaValue]);
      ws.addRow(['3', 'Vera', { formula: 'lower(B4)&"@x.ru"', result: 'vera@x.ru' } as ExcelJS.CellFormulaValue]);
    }),
    values: {
      sql: `SELECT source_id, email, extra->>'formula.Email' AS formula FROM contacts WHERE source = '{source}' ORDER BY source_line`,
      rows: [{ source_id: '1', email: 'a@x.ru', formula: null }, { source_id: '2', email: null, formula: '=lower(B3)&"@formula.test"' }, { source_id: '3', email: 'vera@x.ru', formula: null }],
    },
  },
  {
    // A shared formula (one formula filled down): each cell keeps its own formula (was: "=" for all but the first)
    file: 'shared-formula-no-cache.xlsx', exit: 0, args: ['--entity', 'contacts'], message: /2 formula cells without a saved value \(Email, rows 2, 3\)/,
    make: (p) => xlsx(p, (wb) => {
      const ws = wb.addWorksheet('Contacts');
      ws.addRow(['ID', 'First Name', 'Email']);
      ws.addRow(['1', 'Anna', { formula: 'lower(B2)&"@x.ru"', shareType: 'shared', ref: 'C2:C3' } as ExcelJS.CellFormulaValue]);
      ws.addRow(['2', 'Boris', { sharedFormula: 'C2' } as ExcelJS.CellSharedFormulaValue]);
    }),
    values: {
      sql: `SELECT source_id, email, extra->>'formula.Email' AS formula FROM contacts WHERE source = '{source}' ORDER BY source_line`,
      rows: [{ source_id: '1', email: null, formula: '=lower(B2)&"@x.ru"' }, { source_id: '2', email: null, formula: '=lower(B3)&"@x.ru"' }],
    },
  },
  {
    file: 'hidden-first.xlsx', exit: 0, args: ['--entity', 'contacts'], message: /read sheet "Visible", the first visible one \(hidden: Old\)/,
    make: (p) => xlsx(p, (wb) => {
      const old = wb.addWorksheet('Old', { state: 'hidden' });
      old.addRow(['ID', 'First Name']);
      old.addRow(['9', 'Stale']);
      const ws = wb.addWorksheet('Visible');
      ws.addRow(['ID', 'First Name']);
      ws.addRow(['1', 'Fresh']);
    }),
    values: { sql: contacts('{source}'), rows: [{ source_id: '1', full_name: 'Fresh', email: null }] },
  },
  {
    // Workbook parts after the sheets in the ZIP (was: "Cannot read properties of undefined (reading 'sheets')")
    file: 'multi-sheet-reordered.xlsx', exit: 0, args: ['--entity', 'contacts', '--sheet', 'Second'],
    make: async (p) => {
      await xlsx(p, (wb) => {
        for (const [name, who] of [['First', 'One'], ['Second', 'Two'], ['Third', 'Three']]) {
          const ws = wb.addWorksheet(name);
          ws.addRow(['ID', 'First Name', 'Created']);
          ws.addRow(['1', who, new Date(Date.UTC(2026, 2, 15))]);
          ws.getCell('C2').numFmt = 'dd.mm.yyyy';
        }
      });
      await reorder(p);
    },
    values: { sql: `SELECT full_name, extra->>'Created' AS created FROM contacts WHERE source = '{source}'`, rows: [{ full_name: 'Two', created: '2026-03-15' }] },
  },
  {
    // Blank rows are layout, not records; a cell at the last row of a sheet is one row (was: 1,048,572 rejects, 681 MB)
    file: 'sparse.xlsx', exit: 0, args: ['--entity', 'contacts'], message: /read 3, loaded 3, rejected 0/,
    make: (p) => xlsx(p, (wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['ID', 'First Name']);
      ws.addRow(['1', 'Top']);
      ws.getCell('A3000').value = '2';
      ws.getCell('B3000').value = 'Middle';
      ws.getCell('C500').value = null;
      ws.getRow(600).height = 30; // a formatted blank row
      ws.getCell('A1048576').value = '3';
      ws.getCell('B1048576').value = 'Bottom';
    }),
    values: { sql: `SELECT source_id, source_line FROM contacts WHERE source = '{source}' ORDER BY source_line`, rows: [{ source_id: '1', source_line: 2 }, { source_id: '2', source_line: 3000 }, { source_id: '3', source_line: 1048576 }] },
  },
  {
    file: 'merged.xlsx', exit: 0, args: ['--preset', 'canonical', '--entity', 'contacts'], message: /merged cells filled from their first cell: C2:C3/,
    make: (p) => xlsx(p, (wb) => {
      const ws = wb.addWorksheet('M');
      ws.addRow(['id', 'first_name', 'company_name']);
      ws.addRow(['1', 'Anna', 'ООО «Ромашка»']);
      ws.addRow(['2', 'Boris', null]);
      ws.mergeCells('C2:C3');
    }),
    values: { sql: `SELECT source_id, company_name FROM contacts WHERE source = '{source}' ORDER BY source_line`, rows: [{ source_id: '1', company_name: 'ООО «Ромашка»' }, { source_id: '2', company_name: 'ООО «Ромашка»' }] },
  },
  {
    file: 'dates-1904.xlsx', exit: 0, args: ['--preset', 'canonical', '--entity', 'contacts'],
    make: (p) => xlsx(p, (wb) => {
      wb.properties.date1904 = true;
      const ws = wb.addWorksheet('D');
      ws.addRow(['id', 'created_at', 'updated_at']);
      ws.addRow(['1', new Date(Date.UTC(2026, 0, 15)), { formula: 'B2+1', result: 44576 } as ExcelJS.CellFormulaValue]); // by hand: 2026-01-16 is 46038 in the 1900 system (2026-01-01 = 46023), minus 1,462 days = 44576
      ws.getCell('C2').numFmt = 'yyyy-mm-dd';
    }),
    values: { sql: `SELECT CAST(created_at AS VARCHAR) AS created, CAST(updated_at AS VARCHAR) AS updated FROM contacts WHERE source = '{source}'`, rows: [{ created: '2026-01-15 00:00:00', updated: '2026-01-16 00:00:00' }] },
  },
  {
    file: 'errors.xlsx', exit: 0, args: ['--preset', 'canonical', '--entity', 'deals'], message: /1 error cell \(amount, row 2\): left empty, the error kept in extra as "error\.amount"/,
    make: (p) => xlsx(p, (wb) => {
      const ws = wb.addWorksheet('E');
      ws.addRow(['id', 'title', 'amount']);
      ws.addRow(['1', 'x', { error: '#N/A' } as ExcelJS.CellErrorValue]);
    }),
    values: { sql: `SELECT amount, extra->>'error.amount' AS err FROM deals WHERE source = '{source}'`, rows: [{ amount: null, err: '#N/A' }] },
  },
  {
    file: 'past-header.xlsx', exit: 1, args: ['--entity', 'contacts'], message: /row 3: a value in column 3, past the header's last column \(2\)/,
    make: (p) => xlsx(p, (wb) => {
      const ws = wb.addWorksheet('P');
      ws.addRow(['ID', 'First Name']);
      ws.addRow(['1', 'Anna']);
      ws.addRow(['2', 'Boris', 'stray']);
    }),
  },
  { file: 'no-such-sheet.xlsx', exit: 2, args: ['--entity', 'contacts', '--sheet', 'Nope'], message: /no-such-sheet\.xlsx: no sheet named "Nope" \(sheets: A, B\)/, make: (p) => xlsx(p, (wb) => ['A', 'B'].forEach((n) => wb.addWorksheet(n).addRow(['ID']))) },
  { file: 'not-a-workbook.xlsx', exit: 2, message: /not-a-workbook\.xlsx: not a readable XLSX workbook/, make: (p) => writeFileSync(p, 'id,name\n1,Anna\n') },
  // File names with quotes, ;, a line break and Cyrillic
  {
    file: 'Контакты "новые"; v2\nитог.csv', exit: 0, args: ['--entity', 'contacts'], message: /^Контакты "новые"; v2\\nитог\.csv → contacts/,
    make: (p) => writeFileSync(p, 'id,first_name\n1,Анна\n'),
    values: { sql: `SELECT regexp_extract(file, '[^/]+$') AS name FROM imports WHERE source = '{source}'`, rows: [{ name: 'Контакты "новые"; v2\nитог.csv' }] },
  },
  { file: 'плохой "файл";\n.csv', exit: 2, message: /^crmq: .*плохой "файл";\\n\.csv: not a text file/, make: (p) => writeFileSync(p, bytes([0x89, 0x50, 0x4e, 0x47], Buffer.alloc(32))) },
];

const imports = async () => (await query<{ n: number }>(db, 'SELECT count(*) AS n FROM imports'))[0].n;

describe('hostile import corpus', () => {
  it.each(CASES.map((c, i) => [c.file.replace(/\n/g, '\\n'), c, `c${i}`] as const))('%s', async (_name, c, source) => {
    const path = join(dir, c.file);
    await c.make(path);
    const before = await imports().catch(() => 0);
    const r = await cli('import', path, '--source', source, '--db', db, ...(c.args ?? []).map((a) => a.replace('{dir}', dir)));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(c.exit);
    if (c.exit === 2) {
      expect(r.stderr.endsWith('\n') && r.stderr.trim().split('\n')).toHaveLength(1);
      if (c.message) expect(r.stderr).toMatch(c.message);
      expect(await imports().catch(() => 0)).toBe(before); // nothing changed
    } else {
      expect(r.stderr).toBe('');
      if (c.message) expect(r.stdout.split('\n').some((l) => c.message!.test(l.trim())), r.stdout).toBe(true);
    }
    if (c.values) expect(await query(db, c.values.sql.replaceAll('{source}', source))).toEqual(c.values.rows);
  });

  it('re-importing a file that had rejects gives the same exit code (a retried CI job does not turn green)', async () => {
    const f = write(dir, 'again.csv', 'id,first_name\n1,Anna\n2,Bo,extra\n');
    const first = await cli('import', f, '--source', 'again', '--entity', 'contacts', '--db', db);
    const second = await cli('import', f, '--source', 'again', '--entity', 'contacts', '--db', db);
    expect(first.code).toBe(1);
    expect(second.code).toBe(1); // was 0
    expect(second.stdout).toMatch(/already imported as import #\d+ .*\n\s+it had 1 rejected rows: see `crmq rejects --import \d+`/);
  });
});
