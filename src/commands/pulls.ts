// `crmq pulls`: the pull log, one row per entity pulled, with its checkpoint state (running, done, failed, abandoned).
import type { Command } from 'commander';
import type { Row } from '../db/database.js';
import { printRows } from '../ui/print-rows.js';
import { dbOption, formatOption, type Io } from './command.js';

export async function pullsCommand(opts: { db?: string }): Promise<Row[]> {
  const { withDb } = await import('../db/database.js');
  return withDb(opts.db, (db) =>
    db.all(`SELECT pull_id, crm, source, entity, target, status, strftime(since, '%Y-%m-%d %H:%M:%S') AS since, pages, records, rejected, deleted,
            strftime(started_at, '%Y-%m-%d %H:%M:%S') AS started_at, strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS finished_at, error FROM pulls ORDER BY pull_id`),
  { mustExist: true, readOnly: true });
}

export function configure(cmd: Command, io: Io): void {
  cmd
    .addOption(dbOption())
    .addOption(formatOption(['table', 'csv', 'json'], 'table'))
    .action(async (o) => printRows(io, await pullsCommand(o), o.format));
}
