// Detects a text file's encoding and, when it is not UTF-8, writes a UTF-8 copy DuckDB can read.
import iconv from 'iconv-lite';
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CrmqError } from '../errors.js';

export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1251', 'koi8-r', 'latin1'] as const;
export type Encoding = (typeof ENCODINGS)[number];

const ALIASES: Record<string, Encoding> = {
  utf8: 'utf-8', 'utf-8': 'utf-8', 'utf-8-sig': 'utf-8',
  'utf-16': 'utf-16le', utf16: 'utf-16le', 'utf-16le': 'utf-16le', 'utf16le': 'utf-16le', 'utf-16be': 'utf-16be', utf16be: 'utf-16be',
  'windows-1251': 'windows-1251', cp1251: 'windows-1251', win1251: 'windows-1251', '1251': 'windows-1251',
  'koi8-r': 'koi8-r', koi8r: 'koi8-r', latin1: 'latin1', 'iso-8859-1': 'latin1', 'windows-1252': 'latin1', cp1252: 'latin1',
};

export function parseEncoding(name: string): Encoding {
  const enc = ALIASES[name.trim().toLowerCase()];
  if (!enc) throw new CrmqError(`--encoding: unknown encoding "${name}" (use one of ${ENCODINGS.join(', ')})`);
  return enc;
}

export interface Detected {
  encoding: Encoding;
  bomBytes: number;
}

/** Looks at the first bytes (and, when they are not conclusive, asks whether the file as a whole is UTF-8) to name the encoding. */
export function detectEncoding(head: Buffer, fileIsUtf8: () => boolean): Detected {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomBytes: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomBytes: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomBytes: 2 };
  // UTF-16 without BOM: every other byte is zero in ASCII-heavy text.
  const n = Math.min(head.length, 4096) & ~1;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  if (n >= 8 && oddZero > n / 2 * 0.3 && evenZero === 0) return { encoding: 'utf-16le', bomBytes: 0 };
  if (n >= 8 && evenZero > n / 2 * 0.3 && oddZero === 0) return { encoding: 'utf-16be', bomBytes: 0 };
  if (fileIsUtf8()) return { encoding: 'utf-8', bomBytes: 0 };
  // Not UTF-8: CRM exports in this situation are Windows-1251 (Bitrix24, 1C, Excel on Russian Windows)
  // far more often than anything else; Latin-1 text decodes to the same ASCII either way.
  return { encoding: 'windows-1251', bomBytes: 0 };
}

const MAGIC: [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (an .xlsx file under another name?)'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'a legacy Office file (.xls or .doc); save it as .xlsx or CSV'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], 'an SQLite database'],
];

/**
 * What a binary file is ("a ZIP archive…"), or undefined for text. A few stray control bytes (a NUL in a value)
 * do not make a file binary: those rows are rejected with their line instead.
 */
export function binaryKind(head: Buffer, encoding: Encoding): string | undefined {
  for (const [magic, what] of MAGIC) if (magic.every((b, i) => head[i] === b)) return what;
  if (head.length >= 12 && head.subarray(8, 12).toString('latin1') === 'DUCK') return 'a DuckDB database';
  if (encoding.startsWith('utf-16')) return undefined;
  const n = Math.min(head.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i];
    if (b < 9 || (b > 13 && b < 32 && b !== 26 && b !== 27)) control++;
  }
  return n > 0 && control / n > 0.1 ? 'binary content' : undefined;
}

/** Lines (physical, 1-based) that hold bytes beyond ASCII: valid UTF-8 or not. At most `keep` line numbers are listed of each. */
export interface LineCensus {
  utf8: number;
  invalid: number;
  utf8Lines: number[];
  invalidLines: number[];
}

const KEEP_LINES = 20;

/** Counts the lines of a buffer (or a stream of chunks) by how they decode; a line cut between chunks is carried over. */
export class LineCounter {
  readonly census: LineCensus = { utf8: 0, invalid: 0, utf8Lines: [], invalidLines: [] };
  private line = 1;
  private carry: Buffer | undefined;

  push(chunk: Buffer): void {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl !== -1; nl = buf.indexOf(0x0a, start)) {
      this.count(buf.subarray(start, nl));
      start = nl + 1;
    }
    this.carry = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
  }

  end(): LineCensus {
    if (this.carry) this.count(this.carry);
    this.carry = undefined;
    return this.census;
  }

  private count(line: Buffer): void {
    const c = this.census;
    if (hasHighBytes(line)) {
      if (isUtf8(line)) {
        c.utf8++;
        if (c.utf8Lines.length < KEEP_LINES) c.utf8Lines.push(this.line);
      } else {
        c.invalid++;
        if (c.invalidLines.length < KEEP_LINES) c.invalidLines.push(this.line);
      }
    }
    this.line++;
  }
}

function hasHighBytes(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80) return true;
  return false;
}

export function lineCensus(buf: Buffer): LineCensus {
  const c = new LineCounter();
  c.push(buf);
  return c.end();
}

export async function fileLineCensus(path: string): Promise<LineCensus> {
  const c = new LineCounter();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) c.push(chunk as Buffer);
  return c.end();
}

/**
 * A file is UTF-8 when no line is invalid, or when at least as many lines are valid multi-byte UTF-8 as are not:
 * one bad byte in a UTF-8 file rejects its row, it does not turn every other name into Windows-1251 mojibake.
 */
export const utf8Wins = (c: LineCensus): boolean => c.invalid === 0 || c.utf8 >= c.invalid;

/** "lines 4, 9 and 12" / "lines 4, 9, … (31 in all)". */
export function describeLines(lines: number[], total: number): string {
  const shown = lines.join(', ');
  return `line${total === 1 ? '' : 's'} ${shown}${total > lines.length ? `, … (${total} in all)` : ''}`;
}

/** True when the first bytes of a file are UTF-8 (a multi-byte character cut at the end is fine). */
export function headIsUtf8(head: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** One pass over a file: its sha256, and whether all of it is valid UTF-8. */
export async function scanFile(path: string): Promise<{ sha256: string; utf8: boolean }> {
  const hash = createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let utf8 = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    if (utf8) {
      try {
        decoder.decode(chunk as Buffer, { stream: true });
      } catch {
        utf8 = false;
      }
    }
  }
  if (utf8) {
    try {
      decoder.decode();
    } catch {
      utf8 = false;
    }
  }
  return { sha256: hash.digest('hex'), utf8 };
}

export function decodeHead(head: Buffer, d: Detected): string {
  return iconv.decode(head.subarray(d.bomBytes), d.encoding);
}

const SINGLE_BYTE: Encoding[] = ['windows-1251', 'koi8-r', 'latin1'];

/**
 * Decodes a single-byte file line by line: a line that is valid multi-byte UTF-8 (a row pasted from another export)
 * is kept as UTF-8, not garbled, and its line number is returned so the import can say so.
 */
function lineDecoder(encoding: Encoding, found: LineCensus): Transform {
  let carry: Buffer | undefined;
  let line = 1;
  const decodeLine = (b: Buffer): Buffer => {
    const n = line++;
    if (!hasHighBytes(b)) return b;
    if (isUtf8(b)) {
      found.utf8++;
      if (found.utf8Lines.length < KEEP_LINES) found.utf8Lines.push(n);
      return b;
    }
    return Buffer.from(iconv.decode(b, encoding), 'utf8');
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
      const out: Buffer[] = [];
      let start = 0;
      for (let nl = buf.indexOf(0x0a, start); nl !== -1; nl = buf.indexOf(0x0a, start)) {
        out.push(decodeLine(buf.subarray(start, nl)), NEWLINE);
        start = nl + 1;
      }
      carry = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
      done(null, Buffer.concat(out));
    },
    flush(done) {
      done(null, carry ? decodeLine(carry) : undefined);
    },
  });
}

const NEWLINE = Buffer.from('\n');

/** Streams `src` into a UTF-8 file at `dest`; for single-byte encodings, returns the lines that were UTF-8 already. */
export async function transcodeToUtf8(src: string, dest: string, d: Detected): Promise<LineCensus> {
  const found: LineCensus = { utf8: 0, invalid: 0, utf8Lines: [], invalidLines: [] };
  const from = createReadStream(src, { start: d.bomBytes });
  if (SINGLE_BYTE.includes(d.encoding)) await pipeline(from, lineDecoder(d.encoding, found), createWriteStream(dest));
  else await pipeline(from, iconv.decodeStream(d.encoding), iconv.encodeStream('utf-8'), createWriteStream(dest));
  return found;
}
