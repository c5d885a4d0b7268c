// `crmq imports`: the import log, one row per import run.
import type { Command } from 'commander';
import type { Row } from '../db/database.js';
import { printRows } from '../ui/print-rows.js';
import { dbOption, formatOption, type Io } from './command.js';

export async function importsCommand(opts: { db?: string }): Promise<Row[]> {
  const { withDb } = await import('../db/database.js');
  return withDb(opts.db, (db) =>
    db.all(`SELECT import_id, source, entity, regexp_extract(file, '[^/]+$') AS file, preset, encoding, rows_read, rows_loaded, rows_rejected, rows_replaced,
            strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS finished_at FROM imports ORDER BY import_id`),
  { mustExist: true, readOnly: true });
}

export function configure(cmd: Command, io: Io): void {
  cmd
    .addOption(dbOption())
    .addOption(formatOption(['table', 'csv', 'json'], 'table'))
    .action(async (o) => printRows(io, await importsCommand(o), o.format));
}
