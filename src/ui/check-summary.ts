// The terminal summary of a check run: rules with findings (failing first), grouped by rule and source, a few sample
// rows each with the file and record they came from; rules with no rows to check as skipped.
import chalk from './chalk.js';
import type { CheckResult } from '../commands/check.js';
import { failuresFirst } from '../outputs/rule-order.js';

const COLOUR = { error: chalk.red, warn: chalk.yellow, info: chalk.cyan } as const;

export function checkSummary(r: CheckResult, sample = 3): string {
  const out: string[] = [];
  for (const x of failuresFirst(r.results).filter((y) => y.failing > 0)) {
    const c = COLOUR[x.severity];
    const share = x.checked ? ` of ${x.checked} (${((100 * x.failing) / x.checked).toFixed(1)}%)` : '';
    const status = x.failed ? chalk.bold.red(' FAIL') : '';
    out.push(`${c(x.severity.padEnd(5))} ${chalk.bold(x.rule)}  ${x.failing}${share}, threshold ${x.threshold}${status}`);
    const found = r.findings.filter((f) => f.rule === x.rule);
    for (const source of [...new Set(found.map((f) => f.source))]) {
      const mine = found.filter((f) => f.source === source);
      out.push(chalk.dim(`      ${source}: ${mine.length}`));
      for (const f of mine.slice(0, sample)) {
        const where = f.file ? chalk.dim(` (${f.file.split(/[\\/]/).pop()}${f.line !== null ? `:${f.line}` : ''})`) : '';
        out.push(`        ${f.severity === x.severity ? '' : COLOUR[f.severity](`[${f.severity}] `)}${chalk.dim(`${f.source_id}:`)} ${f.message}${where}${f.new ? '' : chalk.dim(' (baseline)')}`);
      }
      if (mine.length > sample) out.push(chalk.dim(`        … ${mine.length - sample} more`));
    }
  }
  const skipped = r.results.filter((y) => y.skipped);
  if (skipped.length) out.push(chalk.dim(`skipped (no rows to check): ${skipped.map((y) => y.rule).join(', ')}`));
  const clean = r.results.filter((y) => y.failing === 0 && !y.skipped).length;
  const s = r.summary;
  out.push('');
  out.push(
    `${s.rules} rules: ${clean} clean, ${s.rules - clean - skipped.length} with findings${skipped.length ? `, ${skipped.length} skipped` : ''}; ${s.findings} findings (${COLOUR.error(`${s.by_severity.error} error`)}, ` +
      `${COLOUR.warn(`${s.by_severity.warn} warn`)}, ${COLOUR.info(`${s.by_severity.info} info`)})` +
      (s.new_findings !== s.findings ? `, ${s.new_findings} new against the baseline` : ''),
  );
  out.push(r.failed ? chalk.red.bold(`FAILED: ${s.failed_rules} rule(s) at or above --fail-on ${r.failOn}`) : chalk.green(`passed at --fail-on ${r.failOn}`));
  return out.join('\n') + '\n';
}
