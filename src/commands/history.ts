// `crmq history`: imports and check runs over time, per source and entity: rows, what changed, fill rates, findings by
// rule and severity, duplicates, and each finding's first and last seen. Table, JSON, CSV, or HTML/XLSX with charts.
import { Option, type Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { CrmqError } from '../errors.js';
import type { History, HistoryOptions } from '../history/history.js';
import { ENTITIES } from '../model/tables.js';
import { dbOption, wholeNumber, type Io } from './command.js';

export const HISTORY_FORMATS = ['table', 'json', 'csv', 'html', 'xlsx'] as const;

export async function historyCommand(opts: HistoryOptions & { db?: string }): Promise<History> {
  const { withDb } = await import('../db/database.js');
  const { loadHistory } = await import('../history/history.js');
  // History only reads: a read-only connection, and readers do not wait for each other.
  return withDb(opts.db, (db) => loadHistory(db, opts), { mustExist: true, readOnly: true });
}

/** The history in the asked format; html and xlsx are written to `output`. */
export async function renderHistory(h: History, format: string, output?: string): Promise<string | undefined> {
  if (format === 'json') return JSON.stringify(h, null, 2) + '\n';
  if (format === 'csv') return (await import('../history/history-csv.js')).historyCsv(h);
  if (format === 'table') return (await import('../history/history-table.js')).historyTable(h);
  const charts = await (await import('../history/history-charts.js')).historyCharts(h);
  if (format === 'html') return (await import('../history/history-html.js')).historyHtml(h, charts);
  await (await import('../history/history-xlsx.js')).historyXlsx(h, charts, output!);
  return undefined;
}

export function configure(cmd: Command, io: Io): void {
  cmd
    .option('-s, --source <name>', 'only this source')
    .addOption(new Option('-e, --entity <entity>', 'only this entity').choices(ENTITIES))
    .option('--limit <n>', 'the last this many imports and check runs', wholeNumber('--limit', 1, 'a positive whole number'), 50)
    .addOption(new Option('--format <format>', 'output format (html and xlsx carry charts)').choices(HISTORY_FORMATS).default('table'))
    .option('-o, --output <file>', 'write to a file (required for xlsx)')
    .addOption(dbOption())
    .action(async (o) => {
      if (o.format === 'xlsx' && !o.output) throw new CrmqError('--format xlsx needs --output <file.xlsx>');
      const h = await historyCommand({ db: o.db, source: o.source, entity: o.entity, limit: o.limit });
      const text = await renderHistory(h, o.format, o.output);
      if (o.output && text !== undefined) writeFileSync(o.output, text);
      else if (text !== undefined) io.stdout(text);
      if (o.output) io.stderr(`wrote ${o.output}\n`);
    });
}
