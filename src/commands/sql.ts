// `crmq sql "<query>"`: run SQL against the database and print the rows.
import type { Command } from 'commander';
import type { Row } from '../db/database.js';
import { CrmqError } from '../errors.js';
import { printRows } from '../ui/print-rows.js';
import { dbOption, formatOption, type Io } from './command.js';

export async function sqlCommand(query: string, opts: { db?: string }): Promise<Row[]> {
  const { withDb } = await import('../db/database.js');
  return withDb(
    opts.db,
    async (db) => {
      try {
        return await db.all(query);
      } catch (err) {
        const { sqlErrorParts } = await import('../db/sql-error.js');
        const { text, where } = sqlErrorParts(err);
        throw new CrmqError(`sql: ${text}`, 2, where);
      }
    },
    // Read-only: `crmq sql` reads (while an import runs, too); change data with the duckdb shell.
    { mustExist: true, readOnly: true },
  );
}

export function configure(cmd: Command, io: Io): void {
  cmd
    .argument('<query>', 'SQL, e.g. "select source, count(*) from contacts group by all"')
    .addOption(dbOption())
    .addOption(formatOption(['table', 'csv', 'json'], 'table'))
    .action(async (query: string, o) => printRows(io, await sqlCommand(query, o), o.format));
}
