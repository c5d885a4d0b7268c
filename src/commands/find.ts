// `crmq find "Иванов Сергей"`: one lookup over contacts, leads and companies — a phone in any format, an e-mail
// (exact first), a name (Cyrillic or Latin, surname before patronymic) or a company.
import type { Command } from 'commander';
import { withDb } from '../db/database.js';
import { findRecords, type FoundRecord } from '../dedupe/lookup.js';
import { CrmqError } from '../errors.js';
import { loadConfig } from '../rules/config.js';
import { printRows } from '../ui/print-rows.js';
import { dbOption, formatOption, wholeNumber, type Io } from './command.js';

export async function findCommand(query: string, opts: { db?: string; limit?: number; region?: string; config?: string }): Promise<FoundRecord[]> {
  if (!query.trim()) throw new CrmqError('find: give something to look for, e.g. crmq find "Иванов Сергей"');
  const region = (opts.region ?? loadConfig(opts.config).phone_region.default).toUpperCase();
  if (!/^[A-Z]{2}$/.test(region)) throw new CrmqError(`--region: "${opts.region}" is not a two-letter country code (e.g. RU)`);
  return withDb(opts.db, (db) => findRecords(db, query, { limit: opts.limit ?? 10, region }), { mustExist: true });
}

export function configure(cmd: Command, io: Io): void {
  cmd
    .argument('<query>', 'a name ("Иванов Сергей", "Sergey Ivanov"), a company ("ООО Ромашка"), an e-mail or a phone ("+7 952 312-07-59", "8 952 3120759")')
    .option('--limit <n>', 'at most this many results', wholeNumber('--limit', 1, 'a positive whole number'), 10)
    .option('--region <CC>', 'country of phone numbers written without one (default: phone_region in crmq.yaml, else RU)')
    .option('--config <file>', 'project config (default: ./crmq.yaml if present)')
    .addOption(dbOption())
    .addOption(formatOption(['table', 'json'], 'table'))
    .action(async (query: string, o) => printRows(io, await findCommand(query, o), o.format));
}
