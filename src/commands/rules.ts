// `crmq rules list` and `crmq rules show <id>`: what the pack checks, and why.
import { CrmqError } from '../errors.js';
import { loadConfig } from '../rules/config.js';
import { KINDS } from '../rules/kinds/index.js';
import { loadRules, SHIPPED_RULES } from '../rules/load-rules.js';
import type { Rule } from '../rules/rule.js';

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
