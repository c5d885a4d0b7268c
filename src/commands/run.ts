// `crmq run <pipeline.yaml>`: one command, one exit code, for cron and CI.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { CrmqError } from '../errors.js';
import { loadPipeline } from '../pipeline/pipeline-file.js';
import { jsonLogger, type Logger } from '../pipeline/log.js';
import { runPipeline, type RunResult } from '../pipeline/run-pipeline.js';
import type { Io } from './command.js';

export interface RunCommandOptions {
  dryRun?: boolean;
  /** The JSON-lines log file (default: the pipeline's `log:`; without either, JSON lines go to `write`). */
  log?: string;
  write?: (line: string) => void;
  /** stderr is a terminal: lines for a person go to `write`, the JSON lines only to the log file. */
  terminal?: boolean;
  now?: Date;
}

export async function runCommand(file: string, opts: RunCommandOptions): Promise<RunResult> {
  const pipeline = loadPipeline(file);
  const logFile = opts.log ?? (pipeline.log ? resolve(pipeline.dir, pipeline.log) : undefined);
  const loggers: Logger[] = [];
  if (logFile) loggers.push(jsonLogger(logFile));
  if (opts.terminal) loggers.push((await import('../ui/run-log.js')).humanLogger(opts.write ?? ((l) => process.stderr.write(l))));
  else if (!logFile) loggers.push(jsonLogger(undefined, opts.write));
  const log: Logger = (event, fields, level) => loggers.forEach((l) => l(event, fields, level));
  return runPipeline(pipeline, { dryRun: opts.dryRun, log, now: opts.now });
}

export function configure(cmd: Command, io: Io): void {
  cmd
    .argument('<pipeline>', 'pipeline file, e.g. crmq.pipeline.yaml (docs/pipelines.md)')
    .option('--dry-run', 'write the mails as .eml files under <out>/mail instead of sending them')
    .option('--log <file>', 'append the JSON-lines log here (default: the pipeline\'s log:, else stderr; on a terminal stderr gets readable lines instead)')
    .action(async (file: string, o) => {
      const r = await runCommand(file, { dryRun: o.dryRun, log: o.log, write: io.stderr, terminal: io.terminal });
      if (r.exitCode === 2) throw new CrmqError(r.error ?? 'the run failed');
      for (const m of r.mails) io.stdout(`${m.skipped ? 'skipped' : o.dryRun ? 'wrote' : 'sent'} mail to ${m.to.join(', ')}: ${m.subject}${m.file ? ` (${m.file})` : ''}${m.skipped ? ` (${m.skipped})` : ''}\n`);
      io.setExit(r.exitCode);
    });
}
