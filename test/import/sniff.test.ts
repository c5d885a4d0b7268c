import { describe, expect, it } from 'vitest';
import { sniffDialect, uniqueHeaders } from '../../src/import/sniff.js';

describe('sniffDialect', () => {
  it.each([
    [',', 'id,name,city\n1,Anna,Berlin\n2,"Paul, Jr.",Munich\n'],
    [';', 'id;name;amount\n1;Анна;1 234,56\n2;Павел;12,50\n'],
    ['\t', 'id\tname\tcity\n1\tAnna\tBerlin\n'],
    ['|', 'id|name|city\n1|Anna|Berlin\n2|Paul|Munich\n'],
  ])('finds the delimiter %j', (d, sample) => {
    expect(sniffDialect(sample, 'f.csv').delimiter).toBe(d);
  });

  it('sees a trailing delimiter on every line (Bitrix24)', () => {
    const d = sniffDialect('"ID";"Имя";\n"1";"Анна";\n"2";"Олег";\n', 'f.csv');
    expect(d).toMatchObject({ delimiter: ';', trailingDelimiter: true, header: ['ID', 'Имя', ''] });
  });

  it('sees a trailing delimiter on data lines only', () => {
    const d = sniffDialect('"ID";"Имя"\n"1";"Анна";\n"2";"Олег";\n', 'f.csv');
    expect(d.trailingDelimiter).toBe(true);
  });

  it('trims header names and survives an unclosed quote further down', () => {
    const d = sniffDialect('ID,Бюджет ,Этап\n1,100,A\n2,"broken,3\n', 'f.csv');
    expect(d.header).toEqual(['ID', 'Бюджет', 'Этап']);
  });

  it('rejects an empty sample', () => {
    expect(() => sniffDialect('  \n', 'empty.csv')).toThrow(/empty\.csv: the file is empty/);
  });
});

describe('uniqueHeaders', () => {
  it('numbers repeated names and fills empty ones (amoCRM repeats Источник and cid)', () => {
    expect(uniqueHeaders(['ID', 'Источник', 'cid', 'Источник', '', 'cid'])).toEqual(['ID', 'Источник', 'cid', 'Источник (2)', 'column 5', 'cid (2)']);
  });
});
