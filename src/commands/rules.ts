// `crmq rules list` and `crmq rules show <id>`: what the pack checks, and why.
import chalk from '../ui/chalk.js';
import type { Command } from 'commander';
import { CrmqError } from '../errors.js';
import { loadConfig } from '../rules/config.js';
import { KINDS } from '../rules/kinds/index.js';
import { loadRules, SHIPPED_RULES } from '../rules/load-rules.js';
import type { Rule } from '../rules/rule.js';
import { printRows } from '../ui/print-rows.js';
import { collect, formatOption, type Io } from './command.js';

function rulesFor(opts: { config?: string; rules?: string[] }): Rule[] {
  const config = loadConfig(opts.config);
  return loadRules([...(config.no_default_rules ? [] : [SHIPPED_RULES]), ...config.rules, ...(opts.rules ?? [])]);
}

export function rulesListCommand(opts: { config?: string; rules?: string[] }) {
  return rulesFor(opts).map((r) => ({ id: r.id, entity: r.entity, kind: r.kind, severity: r.severity, threshold: r.fail_if ?? '> 0', tags: r.tags.join(' '), description: r.description }));
}

export function rulesShowCommand(id: string, opts: { config?: string; rules?: string[] }) {
  const rule = rulesFor(opts).find((r) => r.id === id);
  if (!rule) throw new CrmqError(`rules show: no rule "${id}" (see \`crmq rules list\`)`);
  return { ...rule, kind_description: KINDS[rule.kind].description };
}

export function configure(cmd: Command, io: Io): void {
  cmd
    .command('list')
    .description('Every rule: id, entity, kind, severity, threshold, tags')
    .option('--rules <dir>', 'an extra folder of rule files (repeatable)', collect)
    .option('--config <file>', 'project config (default: ./crmq.yaml if present)')
    .addOption(formatOption(['table', 'csv', 'json'], 'table'))
    .action(async (o) => printRows(io, rulesListCommand(o), o.format));
  cmd
    .command('show')
    .description('One rule: its parameters, why it matters and how to fix what it finds')
    .argument('<id>', 'rule id, e.g. contact.email.format')
    .option('--rules <dir>', 'an extra folder of rule files (repeatable)', collect)
    .option('--config <file>', 'project config (default: ./crmq.yaml if present)')
    .addOption(formatOption(['text', 'json'], 'text'))
    .action(async (id: string, o) => {
      const r = rulesShowCommand(id, o);
      if (o.format === 'json') return io.stdout(JSON.stringify(r, null, 2) + '\n');
      io.stdout(
        [
          chalk.bold(r.id), r.description, '',
          `entity:    ${r.entity}`, `kind:      ${r.kind} (${r.kind_description})`, `severity:  ${r.severity}`, `threshold: ${r.fail_if ?? '> 0'}`,
          r.where ? `where:     ${r.where}` : '', `params:    ${JSON.stringify(r.params)}`, `tags:      ${r.tags.join(', ')}`, `file:      ${r.file}`, '',
          chalk.bold('Why it matters'), r.docs.why, '', chalk.bold('How to fix'), r.docs.fix, '',
        ].filter((l, i, a) => l !== '' || a[i - 1] !== '').join('\n') + '\n',
      );
    });
}
