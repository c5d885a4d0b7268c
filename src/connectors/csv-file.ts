import { closeSync, fstatSync, openSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CrmqError, ioProblem } from '../errors.js';
import {
  binaryKind, decodeHead, describeLines, detectEncoding, fileLineCensus, headIsUtf8, parseEncoding, transcodeToUtf8, utf8Wins, type Detected, type LineCensus,
} from '../import/encoding.js';
import { sniffDialect, uniqueHeaders } from '../import/sniff.js';
import type { PreparedFile } from './prepared-file.js';

const HEAD_BYTES = 256 * 1024;

function readHead(path: string): { head: Buffer; dosEof: boolean } {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    // A DOS end-of-file mark (Ctrl-Z, 0x1A) as the last byte, or alone on the last line.
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(3, size));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const dosEof = /\x1a(\r?\n)?$/.test(tail.toString('latin1'));
    return { head: buf.subarray(0, n), dosEof };
  } finally {
    closeSync(fd);
  }
}

/** Forced UTF-8 on a file that mostly is not: one line naming the first line that is not. */
export function notUtf8Error(file: string, census: LineCensus): CrmqError {
  return new CrmqError(
    `${file}:${census.invalidLines[0]}: not valid UTF-8 (${describeLines(census.invalidLines.slice(0, 5), census.invalid)}); try --encoding windows-1251, or leave --encoding out to detect it`,
  );
}

export async function prepareCsv(file: string, tmpDir: string, opts: { encoding?: string; delimiter?: string; noHeader?: boolean; columns?: string[] }): Promise<PreparedFile> {
  const { head, dosEof } = readHead(file);
  if (head.length === 0) throw new CrmqError(`${file}: the file is empty`);
  if (opts.delimiter !== undefined && [...opts.delimiter].length !== 1) {
    throw new CrmqError(`--delimiter: "${opts.delimiter}" is not one character (use , ; | or tab)`);
  }
  const headUtf8 = headIsUtf8(head);
  let detected: Detected;
  if (opts.encoding) {
    const encoding = parseEncoding(opts.encoding);
    const bom = encoding === 'utf-8' && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : encoding.startsWith('utf-16') && (head[0] === 0xff || head[0] === 0xfe) ? 2 : 0;
    detected = { encoding, bomBytes: bom };
  } else {
    detected = detectEncoding(head, () => headUtf8);
  }
  const binary = binaryKind(head, detected.encoding);
  if (binary) throw new CrmqError(`${file}: not a text file (${binary}); expected CSV, XLSX or JSON`);
  if (!headUtf8 && detected.encoding === 'windows-1251' && !opts.encoding) {
    // The head is not UTF-8: count the whole file's lines before calling it Windows-1251 (one bad byte does not).
    if (utf8Wins(await fileLineCensus(file))) detected = { encoding: 'utf-8', bomBytes: 0 };
  } else if (!headUtf8 && detected.encoding === 'utf-8' && opts.encoding) {
    const census = await fileLineCensus(file);
    if (!utf8Wins(census)) throw notUtf8Error(file, census);
  }
  const sample = decodeHead(head, detected);
  const dialect = sniffDialect(sample, file, opts.delimiter);
  let csvPath = file;
  let cleanup = () => {};
  const notes: string[] = [];
  if (detected.encoding !== 'utf-8') {
    csvPath = join(tmpDir, 'utf8.csv');
    cleanup = () => rmSync(csvPath, { force: true });
    const kept = await transcodeToUtf8(file, csvPath, detected).catch((err: Error) => {
      const io = ioProblem(err);
      throw new CrmqError(`${file}: cannot write its UTF-8 copy in ${tmpDir}${io ? `: ${io}` : ''} (${err.message.split('\n')[0]}); set TMPDIR to a folder with room`);
    });
    if (kept.utf8) notes.push(`${describeLines(kept.utf8Lines, kept.utf8)} of this ${detected.encoding} file ${kept.utf8 === 1 ? 'is' : 'are'} UTF-8: read as UTF-8, not garbled`);
  }
  const phantom = dialect.trailingDelimiter ? 1 : 0;
  const first = dialect.header.slice(0, dialect.header.length - phantom);
  const noHeader = opts.noHeader || !!opts.columns;
  if (opts.columns && opts.columns.length !== first.length) {
    throw new CrmqError(`${file}: --columns names ${opts.columns.length} columns but the first record has ${first.length} (${first.slice(0, 3).join(', ')}${first.length > 3 ? ', …' : ''})`);
  }
  // A header-less file: the first line is a record; columns are named by --columns or "column 1", "column 2", …
  const header = uniqueHeaders(noHeader ? (opts.columns ?? first.map((_, i) => `column ${i + 1}`)) : first);
  for (let i = 0; i < phantom; i++) header.push(`__trailing_${i}`);
  return {
    csvPath, kind: 'csv', encoding: detected.encoding, encodingForced: !!opts.encoding, delimiter: dialect.delimiter, header, headerRows: noHeader ? 0 : 1, phantomColumns: phantom, rejects: [], notes, dosEof, cleanup,
  };
}
