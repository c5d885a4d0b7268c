// GitHub Actions workflow commands: each finding becomes an annotation on the run, on the file and line its record
// was imported from when that file is in the workspace; a rule with no rows to check is a notice that it was skipped.
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { CheckResult, Finding } from '../commands/check.js';
import { failuresFirst } from './rule-order.js';

const LEVEL = { error: 'error', warn: 'warning', info: 'notice' } as const;
const esc = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const prop = (s: string) => esc(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

/** `file=…,line=…,` for a finding whose record came from a file inside the workspace (GitHub needs a repository path). */
function location(f: Finding, root: string): string {
  if (!f.file) return '';
  const full = resolve(root, f.file);
  const rel = relative(root, full).replaceAll('\\', '/');
  if (!existsSync(full) || rel.startsWith('..') || isAbsolute(rel)) return '';
  return `file=${prop(rel)},${f.line !== null ? `line=${f.line},` : ''}`;
}

export function findingsGithub(r: CheckResult, perRule = 50, root = process.env.GITHUB_WORKSPACE || process.cwd()): string {
  const out: string[] = [];
  for (const x of failuresFirst(r.results)) {
    if (x.skipped) {
      out.push(`::notice title=${prop(`${x.rule} skipped`)}::no ${x.entity} rows to check, so the rule neither passed nor failed`);
      continue;
    }
    const found = r.findings.filter((f) => f.rule === x.rule && f.new);
    for (const f of found.slice(0, perRule)) out.push(`::${LEVEL[f.severity]} ${location(f, root)}title=${prop(`${f.rule} (${f.source}:${f.source_id})`)}::${esc(f.message)}`);
    if (found.length > perRule) out.push(`::${LEVEL[x.severity]} title=${prop(x.rule)}::${found.length - perRule} more findings; see the JSON or XLSX output`);
  }
  const skipped = r.results.filter((x) => x.skipped).length;
  out.push(`crmq check: ${r.summary.findings} findings, ${r.summary.failed_rules} rules failing at ${r.failOn}${skipped ? `, ${skipped} skipped (no rows)` : ''}`);
  return out.join('\n') + '\n';
}
