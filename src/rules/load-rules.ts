// Loads rule files from folders: YAML → zod (the file's shape) → the kind's own params schema → threshold.
// Any problem is one line naming the file and the field.
import { basename } from 'node:path';
import { packagePath } from '../paths.js';
import { loadFolders, readYamlFile } from '../yaml-file.js';
import { CrmqError } from '../errors.js';
import { KINDS } from './kinds/index.js';
import { RuleFileSchema, type Rule } from './rule.js';
import { parseThreshold } from './threshold.js';

export const SHIPPED_RULES = packagePath('rules');
export const RULE_ID = /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)+$/;

function issue(file: string, err: { issues: { path: PropertyKey[]; message: string }[] }, prefix = ''): CrmqError {
  const i = err.issues[0];
  const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
  return new CrmqError(`${file}: ${path || '(top level)'}: ${i.message}`);
}

export function loadRuleFile(file: string): Rule {
  const id = basename(file).replace(/\.ya?ml$/, '');
  if (!RULE_ID.test(id)) throw new CrmqError(`${file}: a rule file is named <entity>.<what>.yaml in lower case, e.g. contact.email.format.yaml`);
  const rule = readYamlFile(file, RuleFileSchema, { what: 'rule file' });
  const kind = KINDS[rule.kind];
  if (!kind) throw new CrmqError(`${file}: kind: unknown kind "${rule.kind}" (one of ${Object.keys(KINDS).join(', ')})`);
  const params = kind.params.safeParse(rule.params);
  if (!params.success) throw issue(file, params.error, 'params');
  parseThreshold(rule.fail_if, file);
  return { ...rule, id, file, params: params.data as Record<string, unknown> };
}

/** Every rule in the folders, in id order; a later folder's rule replaces an earlier one with the same id. */
export function loadRules(dirs: string[]): Rule[] {
  return loadFolders(dirs, 'rules', loadRuleFile);
}

/** --select / --exclude: rule ids, id prefixes (contact.email), entities, kinds or tags. */
export function matchesSelector(rule: Rule, selector: string): boolean {
  const s = selector.trim();
  return rule.id === s || rule.id.startsWith(`${s}.`) || rule.entity === s || rule.kind === s || rule.tags.includes(s);
}
