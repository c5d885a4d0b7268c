// The crmq command line: registers the commands and maps errors to exit codes. Each command lives in
// src/commands/<name>.ts with its own options, and is loaded only when it runs, so `crmq --version` or
// `crmq sql` never pay for exceljs, vega or the pull connectors.
// Exit codes: 0 clean, 1 data problems (rejected rows, findings at or above --fail-on), 2 usage/config/input error.
import { Command, CommanderError } from 'commander';
import type { CommandModule, Io } from './commands/command.js';
import { CrmqError, ioProblem } from './errors.js';
import { withDbNotice } from './db/notice.js';
import { packageVersion } from './paths.js';

type Out = { stdout: (s: string) => void; stderr: (s: string) => void; columns?: number; terminal?: boolean };

const terminal: Out = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  terminal: Boolean(process.stderr.isTTY) && !process.env.CI && process.env.TERM !== 'dumb',
};

/** Every command, in the order `crmq --help` lists them, with the one line it shows. */
const COMMANDS: Record<string, [summary: string, load: () => Promise<CommandModule>]> = {
  import: ['Load CSV, XLSX or saved API JSON exports into the canonical model (one transaction per file)', () => import('./commands/import.js')],
  pull: ['Pull records from a CRM API into the canonical model, page by page, resumably and within its rate limits', () => import('./commands/pull.js')],
  sql: ['Run a read-only SQL query against the database and print the rows (change data with the duckdb shell)', () => import('./commands/sql.js')],
  imports: ['List import runs: file, preset, rows read / loaded / rejected', () => import('./commands/imports.js')],
  pulls: ['List API pulls: CRM, entity, status (running, done, failed, abandoned), pages and records committed', () => import('./commands/pulls.js')],
  rejects: ['List rejected rows with their file, line and reason', () => import('./commands/rejects.js')],
  history: ['Imports and check runs over time: rows, what changed, fill rates, findings by rule and severity, duplicates; with charts', () => import('./commands/history.js')],
  check: ['Run the data-quality rules; exit 1 when a rule at or above --fail-on crosses its threshold', () => import('./commands/check.js')],
  rules: ['List the rules or show one with its documentation', () => import('./commands/rules.js')],
  reports: ['The report catalogue', () => import('./commands/reports.js')],
  report: ['Run validated reports: each proves its totals (reconcile, grain, coverage, time window, currency, attribution)', () => import('./commands/report.js')],
  export: ['Write the database as a Parquet lake (partitioned by source, with a manifest) that Spark, Trino, ClickHouse or DuckDB read; `crmq import` reads it back', () => import('./commands/export.js')],
  dedupe: ['Duplicate clusters (fuzzy, across CRMs, Cyrillic and Latin) for review, a record → cluster export, and a merge plan', () => import('./commands/dedupe.js')],
  find: ['Fuzzy lookup over contacts, leads and companies (Cyrillic and Latin, phones, e-mails)', () => import('./commands/find.js')],
  run: ['Run a pipeline file (import, check, report, deliver) under a lock; exit 0 good, 1 data problems, 2 the run failed', () => import('./commands/run.js')],
  demo: ['Build a fresh database from the sample exports in fixtures/sample, check it and write every report to out/', () => import('./commands/demo.js')],
};

/** The command the arguments name (`crmq help <name>` names one too), if any. */
function commandIn(args: string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? name : undefined;
}

/** commander's usage errors as one line: `crmq import: unknown option '--sorce' (did you mean --source?)`. */
function oneLine(message: string, command: string | undefined): string {
  const text = message
    .trim()
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.+)\?\)/, ' (did you mean $1?)')
    .replace(/\s*\n\s*/g, ' ');
  return `crmq${command ? ` ${command}` : ''}: ${text} (see \`crmq${command ? ` ${command}` : ''} --help\`)\n`;
}

export const version = packageVersion;

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: string[], out: Out = terminal): Promise<number> {
  let code = 0;
  const io: Io = { ...out, setExit: (c) => (code = Math.max(code, c)) };
  const wanted = commandIn(argv.slice(2));
  const program = new Command('crmq')
    .description('Data quality and validated reports for CRM exports: import into DuckDB, check, dedupe, report.')
    .version(version())
    .exitOverride()
    .configureOutput({ writeOut: out.stdout, writeErr: out.stderr, outputError: (s, write) => write(oneLine(s, wanted)) });
  try {
    for (const [name, [summary, load]] of Object.entries(COMMANDS)) {
      const cmd = program.command(name).description(summary);
      if (name === wanted) (await load()).configure(cmd, io);
    }
    await withDbNotice((line) => out.stderr(`crmq: ${line}\n`), () => program.parseAsync(argv));
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2; // commander has already printed the one-line usage error
    }
    if (err instanceof CrmqError) {
      // One line even when a file name or a value in the message has a line break in it.
      out.stderr(`crmq: ${err.message.replace(/\r?\n|\r/g, '\\n')}\n${err.context ? `${err.context}\n` : ''}`);
      return err.code;
    }
    // Still one line: what the system said when it is a disk, permission or depth problem, else a bug to report.
    const io = ioProblem(err);
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    if (io) out.stderr(`crmq: ${io}: ${first}\n`);
    else if (err instanceof RangeError && /call stack/i.test(first)) out.stderr('crmq: the input is nested too deeply to read\n');
    else out.stderr(`crmq: internal error (a bug; please report it with CRMQ_DEBUG=1 for the details): ${first}\n`);
    if (process.env.CRMQ_DEBUG) out.stderr(`${(err as Error).stack ?? String(err)}\n`);
    return 2;
  }
}
