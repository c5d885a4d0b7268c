import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectEncoding, firstInvalidUtf8Line, isValidUtf8, looksBinary } from '../../src/import/encoding.js';

const detect = (buf: Buffer) => detectEncoding(buf, () => isValidUtf8(buf));
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
  it('finds the first line that is not UTF-8', () => {
    const buf = Buffer.concat([Buffer.from('a,b\n1,2\n'), iconv.encode('3,Иван\n', 'win1251')]);
    expect(firstInvalidUtf8Line(buf)).toBe(3);
  });
  it('tells binary from text', () => {
    expect(looksBinary(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x08, 0]), 'utf-8')).toBe(true);
    expect(looksBinary(Buffer.from(text), 'utf-8')).toBe(false);
  });
});
