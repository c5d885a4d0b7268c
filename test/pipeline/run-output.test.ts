// What `crmq run` says: readable lines on a terminal, JSON lines in --log; a dry run logs the mail it wrote, never
// mail_sent; a database path from the environment is relative to where crmq runs, not to the pipeline file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/commands/run.js';
import { BIN, ROOT, tmp, write } from '../helpers.js';

const SAMPLE = join(ROOT, 'fixtures/sample');

function pipelineFile(dir: string, db = 'crm.duckdb'): string {
  return write(dir, 'p.pipeline.yaml', [
    'name: Weekly', `db: ${db}`, 'out: out',
    'steps:',
    `  - import: { files: "${join(SAMPLE, 'bitrix24/Контакты.csv')}", source: b24 }`,
    '  - deliver: { from: crmq@example.ru, to: [boss@example.ru], subject: "{title} ({status})", smtp: "smtp://127.0.0.1:9" }',
  ].join('\n'));
}

describe('crmq run output', () => {
  it('on a terminal: lines for a person; the log file: JSON lines; a dry run logs mail_written, not mail_sent', async () => {
    const dir = tmp();
    let terminal = '';
    const log = join(dir, 'run.jsonl');
    const r = await runCommand(pipelineFile(dir), { dryRun: true, log, terminal: true, write: (s) => (terminal += s) });
    expect(r.exitCode).toBe(1); // one row of the sample is rejected
    const events = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; file?: string });
    expect(events.map((e) => e.event)).toEqual(['run_started', 'step_started', 'file_imported', 'step_finished', 'step_started', 'mail_written', 'step_finished', 'run_finished']);
    expect(existsSync(events.find((e) => e.event === 'mail_written')!.file!)).toBe(true);
    expect(terminal).not.toContain('{');
    expect(terminal).toMatch(/^ {2}Контакты\.csv → contacts: read 70, loaded 69, rejected 1$/m);
    expect(terminal).toMatch(/mail to boss@example\.ru written \(not sent\)/);
    expect(terminal).toMatch(/✓ deliver: written 1/);
    expect(terminal).toMatch(/finished with problems: 1 rows rejected/);
  });

  it('without a terminal or a log file, JSON lines on stderr as before', async () => {
    const dir = tmp();
    let stderr = '';
    await runCommand(pipelineFile(dir), { dryRun: true, write: (s) => (stderr += s) });
    const events = stderr.trim().split('\n').map((l) => JSON.parse(l).event);
    expect(events).toContain('mail_written');
    expect(events).not.toContain('mail_sent');
  });

  it('a db path from the environment is relative to the working folder, and its folder is created', () => {
    const dir = tmp();
    const pipe = pipelineFile(join(dir, 'conf'), '${CRMQ_DB:-crm.duckdb}');
    const cwd = join(dir, 'work');
    mkdirSync(cwd);
    const r = spawnSync(process.execPath, [BIN, 'run', pipe, '--dry-run'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CRMQ_DB: 'out/new/demo.duckdb' } });
    expect(r.status, r.stderr).toBe(1);
    expect(existsSync(join(cwd, 'out/new/demo.duckdb'))).toBe(true);
    expect(existsSync(join(dir, 'conf/out/new'))).toBe(false);
    // Without the variable, the default is relative to the pipeline file.
    const d = spawnSync(process.execPath, [BIN, 'run', pipe, '--dry-run'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CRMQ_DB: '' } });
    expect(d.status, d.stderr).toBe(1);
    expect(existsSync(join(dir, 'conf/crm.duckdb'))).toBe(true);
  });
});
