// `crmq rejects`: rejected rows with their file, line and reason, optionally of one import.
import type { Command } from 'commander';
import type { Row } from '../db/database.js';
import { lit } from '../db/sql.js';
import { printRows } from '../ui/print-rows.js';
import { dbOption, formatOption, wholeNumber, type Io } from './command.js';

export async function rejectsCommand(opts: { db?: string; import?: number; limit?: number }): Promise<Row[]> {
  const { withDb } = await import('../db/database.js');
  return withDb(opts.db, (db) =>
    db.all(`SELECT import_id, source, entity, regexp_extract(file, '[^/]+$') AS file, line, reason, raw FROM rejects
            ${opts.import ? `WHERE import_id = ${lit(opts.import)}` : ''} ORDER BY import_id, line LIMIT ${opts.limit ?? 100}`),
  { mustExist: true, readOnly: true });
}

export function configure(cmd: Command, io: Io): void {
  cmd
    .option('--import <id>', 'only this import run', wholeNumber('--import', 1, 'an import id'))
    .option('--limit <n>', 'at most this many rows', wholeNumber('--limit', 1, 'a positive whole number'), 100)
    .addOption(dbOption())
    .addOption(formatOption(['table', 'csv', 'json'], 'table'))
    .action(async (o) => printRows(io, await rejectsCommand(o), o.format));
}
