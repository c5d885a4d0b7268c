// Numbers in every locale and exponent form: read right, or NULL (the import then keeps the raw text in extra).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/database.js';
import { lit } from '../../src/db/sql.js';
import { intExpr, numberExpr, numberText } from '../../src/import/transforms.js';

let db: Db;
beforeAll(async () => (db = await openDb(':memory:')));
afterAll(() => db.close());

const value = async (expr: string): Promise<unknown> => (await db.all<{ v: unknown }>(`SELECT ${expr} AS v`))[0].v;

// [cell, the column's decimal mark, the number it is (null: not a number, kept raw)]
const CASES: [string, '.' | ',', number | null][] = [
  ['1e309', '.', null], // beyond DOUBLE: was 1309
  ['1.5e3', '.', 1500], // was 1.53
  ['1.5E+3', '.', 1500],
  ['-2e-2', '.', -0.02],
  ['1 234 567,89', '.', null], // decimal comma in a decimal-point column: was 123456789
  ['1 234 567,89', ',', 1234567.89],
  ['1.234.567,89', ',', 1234567.89],
  ['1.234.567,89', '.', null],
  ['1,234,567.89', '.', 1234567.89],
  ['1,234,567.89', ',', null],
  ['1\u00a0234,56', ',', 1234.56], // no-break space (Excel ru-RU)
  ['1\u202f234,56', ',', 1234.56], // narrow no-break space (fr-FR)
  ["1'234.50", '.', 1234.5], // de-CH
  ['1’234.50', '.', 1234.5],
  ['12,5', ',', 12.5],
  ['12,5', '.', null], // was 125
  ['1,5', '.', null], // was 15
  ['1,234', '.', 1234],
  ['1,234', ',', 1.234],
  ['.5', '.', 0.5],
  [',5', ',', 0.5],
  ['-3.25', '.', -3.25],
  ['−3,25', ',', -3.25], // U+2212 minus
  ['+7', '.', 7],
  ['$-1,200.50', '.', -1200.5],
  ['-$1,200.50', '.', -1200.5],
  ['1 500 ₽', ',', 1500],
  ['1 500,00 руб.', ',', 1500],
  ['USD 1,200.00', '.', 1200],
  ['12,5%', ',', 12.5],
  ['(100)', '.', null], // accounting negative: not read as 100
  ['100-', '.', null],
  ['1e', '.', null],
  ['12 34', '.', null], // a group of two digits
  ['1__000', '.', null], // DuckDB's own cast would say 1000
  ['0x1F', '.', null],
  ['Infinity', '.', null],
  ['NaN', '.', null],
  ['1.2.3', '.', null],
  ['--5', '.', null],
];

describe('numbers: right or raw, never another number', () => {
  it.each(CASES)('%j with decimal %j → %j', async (cell, decimal, want) => {
    const got = await value(numberExpr(lit(cell), { decimal }));
    if (want === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(want, 9);
  });

  it('keeps every digit of large amounts (DECIMAL is cast from the text, not through DOUBLE)', async () => {
    expect(await value(`CAST(try_cast(${numberText(lit('9 876 543 210 123 456,78'), { decimal: ',' })} AS DECIMAL(18,2)) AS VARCHAR)`)).toBe('9876543210123456.78');
    expect(await value(`try_cast(${numberText(lit('1e20'), { decimal: '.' })} AS DECIMAL(18,2))`)).toBeNull(); // does not fit: raw
  });

  it('whole-number fields take whole numbers and talk times only', async () => {
    expect(await value(intExpr(lit('1 234'), { decimal: ',' }))).toBe(1234);
    expect(await value(intExpr(lit('12.0'), { decimal: '.' }))).toBe(12);
    expect(await value(intExpr(lit('12.5'), { decimal: '.' }))).toBeNull(); // was 13
    expect(await value(intExpr(lit('00:05:30'), { decimal: '.' }))).toBe(330);
    expect(await value(intExpr(lit('1e19'), { decimal: '.' }))).toBeNull();
  });
});
