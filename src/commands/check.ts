// `crmq check`: load the rules, run them, return every result and finding; the CLI formats and sets the exit code.
import { Option, type Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { withDb, type Db } from '../db/database.js';
import { CrmqError } from '../errors.js';
import { readBaseline, writeBaseline } from '../rules/baseline.js';
import { loadConfig, SHIPPED_SEMANTICS } from '../rules/config.js';
import { loadRules, matchesSelector, SHIPPED_RULES } from '../rules/load-rules.js';
import { severityRank, SEVERITIES, type Severity } from '../rules/rule.js';
import { readFindings, type Finding } from '../rules/read-findings.js';
import { runRules, type RuleResult } from '../rules/run-rules.js';
import { loadSemantics } from '../rules/semantics.js';
import { exceeds, parseThreshold } from '../rules/threshold.js';
import { checkSummary } from '../ui/check-summary.js';
import { progressFor, type Progress } from '../ui/progress.js';
import { collect, dbOption, type Io } from './command.js';

export interface CheckOptions {
  db?: string;
  config?: string;
  rules?: string[];
  semantics?: string[];
  select?: string[];
  exclude?: string[];
  failOn?: Severity;
  baseline?: string;
  writeBaseline?: string;
  /** A progress display for this database connection (the CLI passes one; it draws only on a terminal). */
  progress?: (db: Db) => Promise<Progress>;
}

export type { Finding };

export interface CheckResult {
  runId: number;
  failOn: Severity;
  summary: { rules: number; findings: number; new_findings: number; failed_rules: number; skipped_rules: number; by_severity: Record<Severity, number> };
  /** `skipped`: the rule had no rows to look at (checked 0), so it neither passed nor failed. */
  results: (RuleResult & { new_failing: number; failed: boolean; skipped: boolean })[];
  findings: Finding[];
  /** A rule at or above --fail-on crossed its threshold (counting only new findings under a baseline). */
  failed: boolean;
}

export async function checkCommand(opts: CheckOptions): Promise<CheckResult> {
  const config = loadConfig(opts.config);
  const failOn = opts.failOn ?? config.fail_on;
  if (!SEVERITIES.includes(failOn)) throw new CrmqError(`--fail-on: "${failOn}" is not one of ${SEVERITIES.join(', ')}`);
  const dirs = [...(config.no_default_rules ? [] : [SHIPPED_RULES]), ...config.rules, ...(opts.rules ?? [])];
  let rules = loadRules(dirs);
  if (opts.select?.length) rules = rules.filter((r) => opts.select!.some((s) => matchesSelector(r, s)));
  if (opts.exclude?.length) rules = rules.filter((r) => !opts.exclude!.some((s) => matchesSelector(r, s)));
  if (rules.length === 0) throw new CrmqError(`--select: no rule matches ${opts.select?.join(', ') ?? ''}`);
  const semantics = loadSemantics([SHIPPED_SEMANTICS, ...config.semantics, ...(opts.semantics ?? [])]);
  const baseline = opts.baseline ? readBaseline(opts.baseline) : undefined;
  return withDb(
    opts.db,
    async (db) => {
      const progress = await opts.progress?.(db);
      progress?.phase('check', rules.length, 'rules');
      const { runId, results } = await runRules(db, rules, {
        semantics, normalize: { defaultRegion: config.phone_region.default, regions: config.phone_region.sources }, onStep: (done, now) => progress?.tick(done, now),
      }).finally(() => progress?.stop());
      const findings = await readFindings(db, runId, [...new Set(rules.map((r) => r.entity))], baseline);
      // A rule fails on its new findings at or above --fail-on (a graded rule's findings each have their own severity).
      const newByRule = new Map<string, number>();
      const judgedByRule = new Map<string, number>();
      for (const f of findings.filter((x) => x.new)) {
        newByRule.set(f.rule, (newByRule.get(f.rule) ?? 0) + 1);
        if (severityRank(f.severity) >= severityRank(failOn)) judgedByRule.set(f.rule, (judgedByRule.get(f.rule) ?? 0) + 1);
      }
      const judged = results.map((r) => {
        const rule = rules.find((x) => x.id === r.rule)!;
        const exceededNew = exceeds(parseThreshold(rule.fail_if, rule.file), judgedByRule.get(r.rule) ?? 0, r.checked);
        return { ...r, new_failing: newByRule.get(r.rule) ?? 0, failed: exceededNew && severityRank(r.severity) >= severityRank(failOn), skipped: r.checked === 0 };
      });
      if (opts.writeBaseline) writeBaseline(opts.writeBaseline, findings);
      const by_severity = { info: 0, warn: 0, error: 0 } as Record<Severity, number>;
      for (const f of findings) by_severity[f.severity]++;
      return {
        runId, failOn, results: judged, findings,
        summary: { rules: rules.length, findings: findings.length, new_findings: findings.filter((f) => f.new).length, failed_rules: judged.filter((r) => r.failed).length, skipped_rules: judged.filter((r) => r.skipped).length, by_severity },
        failed: judged.some((r) => r.failed),
      };
    },
    // The rules' SQL runs on a read-only connection; it becomes writable only to store the findings (run-rules.ts).
    { mustExist: true, upgradable: true, settings: config.database },
  );
}

export const CHECK_FORMATS = ['table', 'json', 'junit', 'csv', 'xlsx', 'markdown', 'github'] as const;

/** The findings in the asked format (xlsx is written to `output` and gives no text). */
async function render(result: CheckResult, format: string, output?: string): Promise<string | undefined> {
  switch (format) {
    case 'json': return (await import('../outputs/findings-json.js')).findingsJson(result);
    case 'junit': return (await import('../outputs/findings-junit.js')).findingsJunit(result);
    case 'csv': return (await import('../outputs/findings-csv.js')).findingsCsv(result);
    case 'markdown': return (await import('../outputs/findings-markdown.js')).findingsMarkdown(result);
    case 'github': return (await import('../outputs/findings-github.js')).findingsGithub(result);
    case 'xlsx': await (await import('../outputs/findings-xlsx.js')).findingsXlsx(result, output!); return undefined;
    default: return checkSummary(result);
  }
}

export function configure(cmd: Command, io: Io): void {
  cmd
    .option('--select <rules>', 'only these rules: ids, id prefixes, entities, kinds or tags, comma-separated', collect)
    .option('--exclude <rules>', 'leave these out (same forms as --select)', collect)
    .option('--rules <dir>', 'an extra folder of rule files (repeatable)', collect)
    .option('--semantics <file>', 'an extra semantic standard, merged over the shipped one (repeatable)', collect)
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the run (default: error, or fail_on in crmq.yaml)').choices(SEVERITIES))
    .option('--baseline <file>', 'count only findings not in this baseline')
    .option('--write-baseline <file>', 'write every finding of this run as the new baseline')
    .addOption(new Option('--format <format>', 'output format').choices(CHECK_FORMATS).default('table'))
    .option('-o, --output <file>', 'write the output to a file (required for xlsx); the summary still goes to the terminal')
    .option('--config <file>', 'project config (default: ./crmq.yaml if present)')
    .addOption(dbOption())
    .action(async (o) => {
      if (o.format === 'xlsx' && !o.output) throw new CrmqError('--format xlsx needs --output <file.xlsx>');
      const result = await checkCommand({ ...o, failOn: o.failOn, progress: (db) => progressFor(db.conn) });
      const text = await render(result, o.format, o.output);
      if (o.output && text !== undefined) writeFileSync(o.output, text);
      if (!o.output && text !== undefined) io.stdout(text);
      if (o.output) io.stderr(checkSummary(result).split('\n').slice(-3).join('\n'));
      io.setExit(result.failed ? 1 : 0);
    });
}
