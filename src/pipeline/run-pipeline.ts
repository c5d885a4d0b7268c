// `crmq run`: the steps of a pipeline file in order, under a lock, with a JSON-lines log.
// Exit 0 all good; 1 data problems (rejected rows, failed checks, reports at or above fail_on); 2 the run failed.
// A failed step stops the run; every step is atomic on the database, so it stays consistent.
import fg from 'fast-glob';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkCommand, type CheckResult } from '../commands/check.js';
import { reportCommand } from '../commands/report.js';
import { defaultDbPath, withDb } from '../db/database.js';
import { CrmqError } from '../errors.js';
import { pull } from '../pull/pull.js';
import { parseSince } from '../pull/since.js';
import { importChanges } from '../drift/import-changes.js';
import { importFile } from '../import/import-file.js';
import { composeReportMail, fill } from '../mail/compose.js';
import { headlineFigures, readLastDelivery, sinceLastMail, type LastDelivery } from '../mail/since-last.js';
import { dataStamp } from '../reports/compare.js';
import { redactUrl, sendMail } from '../mail/send.js';
import { findingsCsv } from '../outputs/findings-csv.js';
import { findingsJson } from '../outputs/findings-json.js';
import { findingsJunit } from '../outputs/findings-junit.js';
import { findingsMarkdown } from '../outputs/findings-markdown.js';
import { findingsXlsx } from '../outputs/findings-xlsx.js';
import { count } from '../plural.js';
import { WORDS } from '../reports/render/i18n.js';
import type { ReportResult } from '../reports/run-report.js';
import { acquireLock } from './lock.js';
import type { Logger } from './log.js';
import { resolveRelative, todayIn } from './periods.js';
import type { Pipeline, Step } from './pipeline-file.js';

export interface RunOptions {
  dryRun?: boolean;
  log: Logger;
  /** "now", for tests of relative periods. */
  now?: Date;
}

export interface RunResult {
  exitCode: 0 | 1 | 2;
  error?: string;
  steps: { step: string; ok: boolean; detail?: Record<string, unknown> }[];
  mails: { to: string[]; subject: string; file?: string; messageId?: string; skipped?: string }[];
}

interface State {
  problems: string[];
  reports: ReportResult[];
  reportFiles: string[];
  reportLang: 'en' | 'ru';
  period?: { from: string; to: string; asOf: string };
  check?: CheckResult;
}

const stepName = (s: Step) => Object.keys(s)[0];

export async function runPipeline(p: Pipeline, opts: RunOptions): Promise<RunResult> {
  const at = (x: string) => resolvePath(x, p.dir);
  const db = p.db ? at(p.db) : resolve(defaultDbPath());
  const out = at(p.out);
  const lockPath = p.lock ? at(p.lock) : `${db}.run.lock`;
  const result: RunResult = { exitCode: 0, steps: [], mails: [] };
  const state: State = { problems: [], reports: [], reportFiles: [], reportLang: 'en' };
  for (const dir of [dirname(db), dirname(lockPath)]) mkdirSync(dir, { recursive: true });
  const lock = acquireLock(lockPath);
  if (lock.staleFrom) opts.log('stale_lock_cleared', { lock: lockPath, pid: lock.staleFrom.pid, since: lock.staleFrom.started }, 'warn');
  opts.log('run_started', { pipeline: p.file, db, dry_run: !!opts.dryRun });
  try {
    mkdirSync(out, { recursive: true });
    for (const [i, step] of p.steps.entries()) {
      const name = stepName(step);
      opts.log('step_started', { step: name, index: i });
      const detail = await runStep(step, { p, db, out, at, state, opts, result });
      result.steps.push({ step: name, ok: true, detail });
      opts.log('step_finished', { step: name, index: i, ...detail });
    }
    result.exitCode = state.problems.length ? 1 : 0;
    opts.log('run_finished', { exit_code: result.exitCode, problems: state.problems });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    result.exitCode = 2;
    result.error = message;
    result.steps.push({ step: stepName(p.steps[result.steps.length]), ok: false, detail: { error: message } });
    opts.log('run_failed', { step: result.steps.at(-1)!.step, error: message }, 'error');
    await mailOperators(p, message, result, opts, out).catch((e: Error) => opts.log('operator_mail_failed', { error: e.message }, 'error'));
  } finally {
    lock.release();
  }
  return result;
}

interface StepContext {
  p: Pipeline;
  db: string;
  out: string;
  at: (x: string) => string;
  state: State;
  opts: RunOptions;
  result: RunResult;
}

async function runStep(step: Step, c: StepContext): Promise<Record<string, unknown>> {
  if ('pull' in step) {
    const s = step.pull;
    const since = s.since ? parseSince(s.since, 'pull.since') : undefined;
    return withDb(c.db, async (db) => {
      const rs = await pull(db, {
        crm: s.crm, source: s.source, entities: s.entities, since, full: s.full, resume: s.resume && !since, saveRaw: s.save_raw && c.at(s.save_raw),
        baseUrl: s.base_url && expandEnv(s.base_url), rate: s.rate, mappings: s.mapping?.map((m) => c.at(m)),
        onEvent: (e) => e.type === 'wait' && c.opts.log('pull_waiting', { entity: e.entity, seconds: Math.round(e.ms / 100) / 10, why: e.why }),
      });
      for (const r of rs) c.opts.log('entity_pulled', { entity: r.entity, table: r.table, mode: r.mode, records: r.records, loaded: r.loaded, rejected: r.rejected, deleted: r.deleted, requests: r.requests });
      const rejected = rs.reduce((n, r) => n + r.rejected, 0);
      if (rejected) c.state.problems.push(`${rejected} records rejected on pull (source ${s.source})`);
      return { entities: rs.length, records: rs.reduce((n, r) => n + r.records, 0), loaded: rs.reduce((n, r) => n + r.loaded, 0), rejected };
    });
  }
  if ('import' in step) {
    const s = step.import;
    // A plain path must exist; a glob may match several files (or none, with allow_empty).
    for (const f of s.files.filter((x) => !fg.isDynamicPattern(x))) if (!existsSync(c.at(f))) throw new CrmqError(`import: ${c.at(f)}: no such file`);
    const files = (await fg(s.files.map((f) => f.replaceAll('\\', '/')), { cwd: c.p.dir, absolute: true, onlyFiles: true })).sort();
    if (!files.length && !s.allow_empty) throw new CrmqError(`import: no file matches ${s.files.join(', ')} (in ${c.p.dir})`);
    return withDb(c.db, async (db) => {
      let loaded = 0;
      let rejected = 0;
      for (const file of files) {
        const r = await importFile(db, { file, source: s.source, preset: s.preset, entity: s.entity, mapping: s.mapping && c.at(s.mapping), encoding: s.encoding, currency: s.currency, replace: s.replace });
        const changes = r.status === 'imported' ? await importChanges(db, r.importId) : undefined;
        c.opts.log('file_imported', { file, status: r.status, entity: r.entity, read: r.rowsRead, loaded: r.rowsLoaded, rejected: r.rowsRejected, ...(changes?.differs ? { changes } : {}) });
        if (r.status === 'imported') loaded += r.rowsLoaded;
        rejected += r.rowsRejected; // an unchanged file's rejects are still there: the same exit code as its first run
      }
      if (rejected) c.state.problems.push(`${rejected} rows rejected on import (source ${s.source})`);
      return { files: files.length, loaded, rejected };
    });
  }
  if ('check' in step) {
    const s = step.check;
    const r = await checkCommand({ db: c.db, select: s.select, exclude: s.exclude, rules: s.rules?.map(c.at), failOn: s.fail_on, baseline: s.baseline && c.at(s.baseline) });
    c.state.check = r;
    const written: string[] = [];
    for (const f of s.formats) {
      const file = join(c.out, `check.${f === 'junit' ? 'junit.xml' : f === 'markdown' ? 'md' : f}`);
      if (f === 'xlsx') await findingsXlsx(r, file);
      else writeFileSync(file, { json: findingsJson, junit: findingsJunit, csv: findingsCsv, markdown: findingsMarkdown }[f](r));
      written.push(file);
    }
    if (r.failed) c.state.problems.push(`${r.summary.failed_rules} rules failed at ${r.failOn}`);
    return { rules: r.summary.rules, findings: r.summary.findings, failed_rules: r.summary.failed_rules, files: written };
  }
  if ('report' in step) {
    const s = step.report;
    const period = typeof s.period === 'string' ? resolveRelative(s.period, todayIn(c.p.timezone, c.opts.now)) : { ...s.period, asOf: todayIn(c.p.timezone, c.opts.now).toISOString().slice(0, 10) };
    const base = { db: c.db, ids: s.ids, category: s.category, all: s.all, ...period, params: s.params, out: c.out, lang: s.lang };
    let results: ReportResult[] = [];
    // Every format runs the reports again; only the last saves them for the next run's compare: previous-run.
    for (const [i, format] of s.formats.entries()) {
      const run = await reportCommand({ ...base, format, compare: s.compare, remember: i === s.formats.length - 1 });
      results = run.results;
      c.state.reportFiles.push(...run.files);
    }
    c.state.reports = results;
    c.state.period = period;
    c.state.reportLang = s.lang;
    const rank = { valid: 0, warning: 1, invalid: 2 } as const;
    if (s.fail_on && results.some((r) => rank[r.status] >= rank[s.fail_on!])) c.state.problems.push(`reports at or above ${s.fail_on}`);
    return { period: `${period.from}..${period.to}`, reports: results.length, invalid: results.filter((r) => r.status === 'invalid').length, files: c.state.reportFiles.length };
  }
  return deliver(step.deliver, c);
}

async function deliver(s: Extract<Step, { deliver: unknown }>['deliver'], c: StepContext): Promise<Record<string, unknown>> {
  const { state } = c;
  const lang = state.reportLang;
  const period = state.period ? `${state.period.from} – ${state.period.to}` : '';
  const worst = state.reports.some((r) => r.status === 'invalid') ? 'invalid' : state.reports.some((r) => r.status === 'warning') ? 'warning' : 'valid';
  // The subject in the mail's language: "(с оговорками)", not "(warning)", in a Russian mail.
  const problems = state.problems.length ? (lang === 'ru' ? 'есть проблемы' : 'problems') : lang === 'ru' ? 'без проблем' : 'ok';
  const subject = fill(s.subject, { title: c.p.name, period, status: WORDS[lang][worst], problems });
  const skip = (why: string) => {
    c.result.mails.push({ to: s.to, subject, skipped: why });
    c.opts.log('mail_skipped', { to: s.to, reason: why });
    return { sent: 0, skipped: why };
  };
  // What changed: a digest of every report's rows and status, and the check's finding ids.
  const memo = join(c.out, '.crmq-last-delivery.json');
  const lastDelivery = readLastDelivery(memo);
  const headline = headlineFigures(state.reports, s.headline);
  const data = await withDb(c.db, (db) => dataStamp(db, [...new Set(state.reports.flatMap((r) => r.inputs))]), { mustExist: true, readOnly: true });
  const digest = createHash('sha256').update(JSON.stringify({ r: state.reports.map((r) => [r.id, r.status, r.rows]), f: state.check?.findings.map((f) => f.id) ?? [] })).digest('hex');
  if (s.when === 'on_problems' && !state.problems.length && worst !== 'invalid') return skip('no problems: nothing failed and no report is invalid');
  if (s.when === 'not_empty' && state.reports.every((r) => r.rows.length === 0)) return skip('every report is empty');
  if (s.when === 'on_change' && lastDelivery?.digest === digest) return skip('nothing changed since the last delivery');
  const attachments = state.reportFiles.filter((f) => s.attach.some((ext) => f.endsWith(`.${ext}`)));
  const sum = state.check?.summary;
  const checkLine = sum
    ? lang === 'ru'
      ? `Проверка данных: ${count(sum.findings, 'ru', { one: 'находка', few: 'находки', many: 'находок' })}, ${count(sum.failed_rules, 'ru', { one: 'правило не прошло', few: 'правила не прошли', many: 'правил не прошли' })}`
      : `Data-quality check: ${count(sum.findings, 'en', { one: 'finding', other: 'findings' })}, ${count(sum.failed_rules, 'en', { one: 'rule failing', other: 'rules failing' })}`
    : undefined;
  const lead = sinceLastMail(headline, lastDelivery, lang, state.check, data);
  const message = await composeReportMail({ from: s.from, to: s.to, cc: s.cc, subject, intro: s.intro, lang, reports: state.reports, headline: lead, checkLine, attachments });
  const sent = await sendMail(message, { smtp: s.smtp && expandEnv(s.smtp), dryRunDir: c.opts.dryRun ? join(c.out, 'mail') : undefined, name: `report-${new Date().toISOString().replace(/[:.]/g, '-')}` });
  const remembered: LastDelivery = { digest, at: new Date().toISOString(), headline: headline.map((h) => ({ id: h.id, value: h.value })), findings: state.check?.findings.map((f) => f.id), data };
  writeFileSync(memo, JSON.stringify(remembered));
  c.result.mails.push({ to: s.to, subject, file: sent.file, messageId: sent.messageId });
  // A dry run writes the mail and sends nothing: its log says so.
  if (c.opts.dryRun) c.opts.log('mail_written', { to: s.to, subject, file: sent.file, attachments: attachments.length });
  else c.opts.log('mail_sent', { to: s.to, subject, message_id: sent.messageId, attachments: attachments.length });
  return { [c.opts.dryRun ? 'written' : 'sent']: 1, to: s.to, file: sent.file };
}

/**
 * A path of the pipeline file: relative to the file, except a path that comes whole from the environment
 * (`db: ${CRMQ_DB:-crm.duckdb}` with CRMQ_DB=out/x.duckdb exported), which is relative to where crmq runs, as
 * the shell that set it meant.
 */
export function resolvePath(x: string, dir: string): string {
  const whole = /^\$\{(\w+)(?::-[^}]*)?\}/.exec(x);
  return resolve(whole && process.env[whole[1]] ? process.cwd() : dir, expandEnv(x));
}

/** ${VAR} and ${VAR:-default} in pipeline paths and SMTP URLs (secrets stay in the environment). */
export function expandEnv(s: string): string {
  return s.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_, k: string, dflt?: string) => {
    const v = process.env[k] || dflt;
    if (v === undefined) throw new CrmqError(`environment variable ${k} is not set`);
    return v;
  });
}

async function mailOperators(p: Pipeline, error: string, result: RunResult, opts: RunOptions, out: string): Promise<void> {
  if (!p.operators) return;
  const deliverStep = p.steps.find((s): s is Extract<Step, { deliver: unknown }> => 'deliver' in s);
  const smtp = p.operators.smtp ?? deliverStep?.deliver.smtp;
  const from = p.operators.from ?? deliverStep?.deliver.from ?? 'crmq@localhost';
  const failed = result.steps.at(-1)?.step ?? '?';
  const message = {
    from, to: p.operators.to, subject: `crmq run failed: ${p.name} (step ${failed})`,
    text: `The run of ${p.file} failed at the ${failed} step:\n\n${error}\n\nThe database is as the last completed step left it; no report was sent.`,
  };
  const sent = await sendMail(message, { smtp: smtp && expandEnv(smtp), dryRunDir: opts.dryRun ? join(out, 'mail') : undefined, name: `failure-${Date.now()}` });
  result.mails.push({ to: p.operators.to, subject: message.subject, file: sent.file, messageId: sent.messageId });
  if (opts.dryRun) opts.log('operator_mail_written', { to: p.operators.to, file: sent.file });
  else opts.log('operator_mail_sent', { to: p.operators.to, smtp: smtp ? redactUrl(smtp) : undefined });
}
