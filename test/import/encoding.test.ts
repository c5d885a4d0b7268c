import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { binaryKind, detectEncoding, lineCensus, utf8Wins } from '../../src/import/encoding.js';

const detect = (buf: Buffer) => detectEncoding(buf, () => utf8Wins(lineCensus(buf)));
const text = 'Имя;Фамилия;Телефон\nСергей;Иванов;+7 912 345-67-89\n';

describe('encoding detection', () => {
  it('names UTF-8 with and without BOM', () => {
    expect(detect(Buffer.from(text))).toEqual({ encoding: 'utf-8', bomBytes: 0 });
    expect(detect(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({ encoding: 'utf-8', bomBytes: 3 });
  });
  it('names Windows-1251 when the bytes are not UTF-8', () => {
    expect(detect(iconv.encode(text, 'win1251')).encoding).toBe('windows-1251');
  });
  it('names UTF-16 by BOM and by zero bytes', () => {
    expect(detect(iconv.encode(text, 'utf16le', { addBOM: true }))).toEqual({ encoding: 'utf-16le', bomBytes: 2 });
    expect(detect(iconv.encode('id,name\n1,Anna\n2,Paul\n', 'utf16le')).encoding).toBe('utf-16le');
    expect(detect(iconv.encode('id,name\n1,Anna\n2,Paul\n', 'utf16be')).encoding).toBe('utf-16be');
  });
  it('counts lines by how they decode, and one bad byte does not make a UTF-8 file Windows-1251', () => {
    const buf = Buffer.concat([Buffer.from('a,b\n1,Анна\n2,Bad'), Buffer.from([0xff]), Buffer.from('\n3,Пётр\n')]);
    expect(lineCensus(buf)).toEqual({ utf8: 2, invalid: 1, utf8Lines: [2, 4], invalidLines: [3] });
    expect(detect(buf).encoding).toBe('utf-8');
    const mixed = Buffer.concat([iconv.encode('a;b\n1;Анна\n2;Борис\n', 'win1251'), Buffer.from('3;Вера\n')]);
    expect(lineCensus(mixed)).toEqual({ utf8: 1, invalid: 2, utf8Lines: [4], invalidLines: [2, 3] });
    expect(detect(mixed).encoding).toBe('windows-1251');
  });
  it('tells binary from text, and names what it is', () => {
    expect(binaryKind(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x08, 0]), 'utf-8')).toMatch(/ZIP archive/);
    expect(binaryKind(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'utf-8')).toMatch(/legacy Office/);
    expect(binaryKind(Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 7) % 9)), 'utf-8')).toBe('binary content');
    expect(binaryKind(Buffer.from(text), 'utf-8')).toBeUndefined();
    // One NUL in a value is a damaged row (rejected with its line), not a binary file.
    expect(binaryKind(Buffer.from('id,name\n1,An\0na\n2,Paul\n'), 'utf-8')).toBeUndefined();
  });
});
