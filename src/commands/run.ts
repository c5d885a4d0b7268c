// `crmq run <pipeline.yaml>`: one command, one exit code, for cron and CI.
import type { Command } from 'commander';
import { CrmqError } from '../errors.js';
import { loadPipeline } from '../pipeline/pipeline-file.js';
import { jsonLogger } from '../pipeline/log.js';
import { runPipeline, type RunResult } from '../pipeline/run-pipeline.js';
import type { Io } from './command.js';

export async function runCommand(file: string, opts: { dryRun?: boolean; log?: string; write?: (line: string) => void; now?: Date }): Promise<RunResult> {
  const pipeline = loadPipeline(file);
  const log = jsonLogger(opts.log ?? (pipeline.log ? `${pipeline.dir}/${pipeline.log}` : undefined), opts.write);
  return runPipeline(pipeline, { dryRun: opts.dryRun, log, now: opts.now });
}

export function configure(cmd: Command, io: Io): void {
  cmd
    .argument('<pipeline>', 'pipeline file, e.g. crmq.pipeline.yaml (docs/pipelines.md)')
    .option('--dry-run', 'write the mails as .eml files under <out>/mail instead of sending them')
    .option('--log <file>', 'append the JSON-lines log here instead of stderr')
    .action(async (file: string, o) => {
      const r = await runCommand(file, { dryRun: o.dryRun, log: o.log, write: io.stderr });
      if (r.exitCode === 2) throw new CrmqError(r.error ?? 'the run failed');
      for (const m of r.mails) io.stdout(`${m.skipped ? 'skipped' : o.dryRun ? 'wrote' : 'sent'} mail to ${m.to.join(', ')}: ${m.subject}${m.file ? ` (${m.file})` : ''}${m.skipped ? ` (${m.skipped})` : ''}\n`);
      io.setExit(r.exitCode);
    });
}
