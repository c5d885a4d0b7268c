// `crmq run` on a terminal: the log's events as lines for a person (the JSON lines still go to --log).
import chalk from './chalk.js';
import { basename } from 'node:path';
import type { Logger } from '../pipeline/log.js';

const list = (v: unknown) => (Array.isArray(v) ? v.join(', ') : String(v));
const others = (f: Record<string, unknown>, skip: string[]) =>
  Object.entries(f)
    .filter(([k, v]) => !skip.includes(k) && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k.replaceAll('_', ' ')} ${Array.isArray(v) ? v.length : typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`)
    .join(', ');

/** One event as a line: `✓ import: files 1, loaded 69, rejected 1`. */
export function runLine(event: string, f: Record<string, unknown> = {}, level: 'info' | 'warn' | 'error' = 'info'): string {
  switch (event) {
    case 'run_started':
      return chalk.bold(`run ${f.pipeline}${f.dry_run ? ' (dry run: mails written as .eml, none sent)' : ''}`);
    case 'step_started':
      return chalk.dim(`▸ ${f.step}`);
    case 'step_finished':
      return `${chalk.green('✓')} ${f.step}: ${others(f, ['step', 'index', 'to', 'file'])}`;
    case 'file_imported':
      return f.status === 'unchanged'
        ? chalk.dim(`  ${basename(String(f.file))}: already imported, nothing to do`)
        : `  ${basename(String(f.file))} → ${f.entity}: read ${f.read}, loaded ${f.loaded}, ${Number(f.rejected) ? chalk.red(`rejected ${f.rejected}`) : 'rejected 0'}`;
    case 'entity_pulled':
      return `  ${f.entity} → ${f.table}: ${f.records} records (${f.mode}), loaded ${f.loaded}, rejected ${f.rejected}`;
    case 'pull_waiting':
      return chalk.dim(`  ${f.entity}: waiting ${f.seconds} s: ${f.why}`);
    case 'mail_sent':
      return `  mail sent to ${list(f.to)}: ${f.subject}`;
    case 'mail_written':
      return `  mail to ${list(f.to)} written (not sent): ${f.file}`;
    case 'mail_skipped':
      return chalk.dim(`  mail to ${list(f.to)} not sent: ${f.reason}`);
    case 'run_finished':
      return Number(f.exit_code) === 0 ? chalk.green('finished: no problems') : chalk.yellow(`finished with problems: ${list(f.problems)}`);
    case 'run_failed':
      return chalk.red(`FAILED at ${f.step}: ${f.error}`);
    default: {
      const text = `${event.replaceAll('_', ' ')}${Object.keys(f).length ? `: ${others(f, [])}` : ''}`;
      return level === 'error' ? chalk.red(text) : level === 'warn' ? chalk.yellow(text) : text;
    }
  }
}

export function humanLogger(write: (s: string) => void): Logger {
  return (event, fields, level) => write(`${runLine(event, fields, level)}\n`);
}
