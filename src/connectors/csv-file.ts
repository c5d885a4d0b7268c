import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CrmqError } from '../errors.js';
import { decodeHead, detectEncoding, headIsUtf8, looksBinary, parseEncoding, transcodeToUtf8, type Detected } from '../import/encoding.js';
import { sniffDialect, uniqueHeaders } from '../import/sniff.js';
import type { PreparedFile } from './prepared-file.js';

const HEAD_BYTES = 256 * 1024;

function readHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

export async function prepareCsv(file: string, tmpDir: string, opts: { encoding?: string; delimiter?: string }): Promise<PreparedFile> {
  const head = readHead(file);
  if (head.length === 0) throw new CrmqError(`${file}: the file is empty`);
  let detected: Detected;
  if (opts.encoding) {
    const encoding = parseEncoding(opts.encoding);
    const bom = encoding === 'utf-8' && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : encoding.startsWith('utf-16') && (head[0] === 0xff || head[0] === 0xfe) ? 2 : 0;
    detected = { encoding, bomBytes: bom };
  } else {
    // Only the head is checked here; the import checks the whole file while DuckDB loads it (scanFile).
    detected = detectEncoding(head, () => headIsUtf8(head));
  }
  if (looksBinary(head, detected.encoding)) throw new CrmqError(`${file}: not a text file (binary content); expected CSV, XLSX or JSON`);
  const sample = decodeHead(head, detected);
  const dialect = sniffDialect(sample, file, opts.delimiter);
  let csvPath = file;
  let cleanup = () => {};
  if (detected.encoding !== 'utf-8') {
    csvPath = join(tmpDir, 'utf8.csv');
    await transcodeToUtf8(file, csvPath, detected);
    cleanup = () => rmSync(csvPath, { force: true });
  }
  const phantom = dialect.trailingDelimiter ? 1 : 0;
  const header = uniqueHeaders(dialect.header.slice(0, dialect.header.length - phantom));
  for (let i = 0; i < phantom; i++) header.push(`__trailing_${i}`);
  return {
    csvPath, kind: 'csv', encoding: detected.encoding, encodingForced: !!opts.encoding, delimiter: dialect.delimiter, header, phantomColumns: phantom, rejects: [], cleanup,
  };
}
