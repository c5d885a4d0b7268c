// `crmq import --explain FILE`: what an import would do with a file, without loading it: the detected preset and
// entity, each column's canonical field (or extra) and format, and whether the layout fits (the guard's verdict).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../db/database.js';
import { ident, lit } from '../db/sql.js';
import { CrmqError } from '../errors.js';
import { fieldsOf } from '../model/tables.js';
import { prepare, type ImportOptions } from './import-file.js';
import { plan } from './plan.js';
import { profileColumns } from './profile.js';

export interface Explanation {
  file: string;
  preset: string;
  entity: string;
  encoding: string;
  delimiter: string;
  /** Data rows the reader sees. */
  rows: number;
  columns: { header: string; field: string; format?: string }[];
  /** Why an import would stop (exit 2), when it would. */
  problem?: string;
}

export async function explainFile(db: Db, opts: Omit<ImportOptions, 'source'>): Promise<Explanation> {
  const tmp = mkdtempSync(join(tmpdir(), 'crmq-explain-'));
  const pf = await prepare(opts.file, tmp, opts);
  try {
    const cols = pf.header.map((_, i) => `c${i + 1}`);
    let problem: string | undefined;
    try {
      plan(pf.header, cols, pf, { ...opts, force: false });
    } catch (err) {
      if (!(err instanceof CrmqError)) throw err;
      problem = err.message;
    }
    const p = plan(pf.header, cols, pf, { ...opts, force: true });
    const stage = 'crmq_explain';
    await db.run(`CREATE OR REPLACE TEMP TABLE ${stage} AS SELECT * FROM read_csv(${lit(pf.csvPath)}, auto_detect = false, header = false, skip = 1,
      delim = ${lit(pf.delimiter)}, quote = '"', escape = '"', columns = {${[...(pf.lineColumn ? [`'__line': 'BIGINT'`] : []), ...cols.map((c) => `${lit(c)}: 'VARCHAR'`)].join(', ')}}, ignore_errors = true, null_padding = true)`);
    const [{ n }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${stage}`);
    const defs = fieldsOf(p.map.entity);
    const typed = (types: string[]) => [...p.fields].filter(([f]) => types.includes(defs[f].type)).flatMap(([, cs]) => cs);
    const labels = Object.fromEntries(cols.map((c, i) => [c, pf.header[i]]));
    const profiles = await profileColumns(db, stage, typed(['timestamp', 'date']), typed(['decimal', 'int']), labels, p.slashDefault);
    await db.run(`DROP TABLE ${ident(stage)}`);
    const columns = pf.header
      .filter((h) => !h.startsWith('__trailing_'))
      .map((h) => ({ header: h, field: p.mapped[h] ?? 'extra', ...(profiles.notes[h] ? { format: profiles.notes[h] } : {}) }));
    return { file: opts.file, preset: p.presetId, entity: p.map.entity, encoding: pf.encoding, delimiter: pf.delimiter, rows: n, columns, ...(problem ? { problem } : {}) };
  } finally {
    pf.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  }
}
