// `crmq reports list`: the report catalogue, with whether the database holds each report's inputs.
import type { Command } from 'commander';
import { printRows } from '../ui/print-rows.js';
import { collect, dbOption, formatOption, type Io } from './command.js';
import { reportsListCommand } from './report.js';

export function configure(cmd: Command, io: Io): void {
  cmd
    .command('list')
    .description('Every report: id, category, title, the inputs it needs and whether the database has them')
    .option('--reports <dir>', 'an extra folder of report definitions (repeatable)', collect)
    .addOption(dbOption())
    .addOption(formatOption(['table', 'csv', 'json'], 'table'))
    .action(async (o) => printRows(io, await reportsListCommand(o), o.format));
}
