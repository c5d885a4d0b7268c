// Loads rule files from folders: YAML → zod (the file's shape) → the kind's own params schema → threshold.
// Any problem is one line naming the file and the field.
import { basename } from 'node:path';
import { packagePath } from '../paths.js';
import { didYouMean, loadFolders, readYamlDoc } from '../yaml-file.js';
import { CrmqError } from '../errors.js';
import { KINDS } from './kinds/index.js';
import { RuleFileSchema, type Rule } from './rule.js';
import { parseThreshold } from './threshold.js';

export const SHIPPED_RULES = packagePath('rules');
export const RULE_ID = /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9_-]+)+$/;

export function loadRuleFile(file: string): Rule {
  const id = basename(file).replace(/\.ya?ml$/, '');
  if (!RULE_ID.test(id)) throw new CrmqError(`${file}: a rule file is named <entity>.<what>.yaml in lower case, e.g. contact.email.format.yaml`);
  const doc = readYamlDoc(file, RuleFileSchema, { what: 'rule file' });
  const rule = doc.data;
  const kind = KINDS[rule.kind];
  if (!kind) throw doc.error(['kind'], `unknown kind "${rule.kind}"${didYouMean(rule.kind, Object.keys(KINDS))} (one of ${Object.keys(KINDS).join(', ')})`);
  const params = kind.params.safeParse(rule.params);
  if (!params.success) {
    const i = params.error.issues.find((x) => x.code === 'unrecognized_keys') ?? params.error.issues[0];
    const path = ['params', ...i.path.map(String)];
    if (i.code === 'unrecognized_keys') throw doc.error(path, `unknown key ${i.keys[0]}`, [...path, i.keys[0]]);
    const got = path.slice(1).reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), rule.params);
    const values = i.code === 'invalid_value' ? i.values.map(String) : [];
    const message = i.code === 'invalid_value' ? `${JSON.stringify(got)} is not one of ${values.join(', ')}${didYouMean(String(got), values)}` : got === undefined ? 'is required' : i.message;
    throw doc.error(path, message);
  }
  try {
    parseThreshold(rule.fail_if, file);
  } catch (err) {
    throw doc.error(['fail_if'], (err as Error).message.replace(/^.*?fail_if: /, ''));
  }
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
