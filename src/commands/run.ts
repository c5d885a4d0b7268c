// `crmq run <pipeline.yaml>`: one command, one exit code, for cron and CI.
import { loadPipeline } from '../pipeline/pipeline-file.js';
import { jsonLogger } from '../pipeline/log.js';
import { runPipeline, type RunResult } from '../pipeline/run-pipeline.js';

export async function runCommand(file: string, opts: { dryRun?: boolean; log?: string; write?: (line: string) => void; now?: Date }): Promise<RunResult> {
  const pipeline = loadPipeline(file);
  const log = jsonLogger(opts.log ?? (pipeline.log ? `${pipeline.dir}/${pipeline.log}` : undefined), opts.write);
  return runPipeline(pipeline, { dryRun: opts.dryRun, log, now: opts.now });
}
