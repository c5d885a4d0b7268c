// Detects a text file's encoding and, when it is not UTF-8, writes a UTF-8 copy DuckDB can read.
import iconv from 'iconv-lite';
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
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

/** Looks at the first bytes (and, for UTF-8, validity of the whole buffer) to name the encoding. */
export function detectEncoding(head: Buffer, wholeIsUtf8: () => boolean): Detected {
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
  if (wholeIsUtf8()) return { encoding: 'utf-8', bomBytes: 0 };
  // Not UTF-8: CRM exports in this situation are Windows-1251 (Bitrix24, 1C, Excel on Russian Windows)
  // far more often than anything else; Latin-1 text decodes to the same ASCII either way.
  return { encoding: 'windows-1251', bomBytes: 0 };
}

/** True when the head looks like a binary file (NUL bytes outside UTF-16, or many control characters). */
export function looksBinary(head: Buffer, encoding: Encoding): boolean {
  if (encoding.startsWith('utf-16')) return false;
  const n = Math.min(head.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i];
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32 && b !== 27)) control++;
  }
  return n > 0 && control / n > 0.1;
}

/** Line (1-based) of the first byte sequence that is not valid UTF-8. */
export function firstInvalidUtf8Line(buf: Buffer): number {
  let line = 1;
  let start = 0;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let i = 0; i <= buf.length; i++) {
    if (i === buf.length || buf[i] === 0x0a) {
      try {
        decoder.decode(buf.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}

export function isValidUtf8(buf: Buffer): boolean {
  return isUtf8(buf);
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

/** Streams `src` through iconv into a UTF-8 file at `dest`. */
export async function transcodeToUtf8(src: string, dest: string, d: Detected): Promise<void> {
  await pipeline(
    createReadStream(src, { start: d.bomBytes }),
    iconv.decodeStream(d.encoding),
    iconv.encodeStream('utf-8'),
    createWriteStream(dest),
  );
}
