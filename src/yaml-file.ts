// Reading a YAML file through a zod schema: every problem is one line naming the file, the line and the field.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { CrmqError } from './errors.js';

export function readYamlFile<S extends z.ZodType>(file: string, schema: S, opts: { what?: string; unionHint?: string } = {}): z.output<S> {
  if (!existsSync(file)) throw new CrmqError(`${file}: ${opts.what ?? 'file'} not found`);
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new CrmqError(`${file}:${lines.linePos(e.pos[0]).line}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  // The deepest node of the path that exists in the document gives the line.
  let line: number | undefined;
  for (let n = issue.path.length; n >= 0 && line === undefined; n--) {
    const node = doc.getIn(issue.path.slice(0, n) as (string | number)[], true) as { range?: [number, number] } | undefined;
    if (node?.range) line = lines.linePos(node.range[0]).line;
  }
  const where = issue.path.join('.') || '(top level)';
  const message = issue.code === 'invalid_union' && opts.unionHint ? opts.unionHint : issue.message;
  throw new CrmqError(`${file}${line ? `:${line}` : ''}: ${where}: ${message}`);
}

/**
 * Every definition in the YAML files of the folders, in id order; a later folder's file replaces an earlier one
 * with the same id (how users override a shipped rule or report). With `only`, just the files of those ids
 * (the id is the file name), so that running one report does not parse the whole catalogue.
 */
export function loadFolders<T extends { id: string }>(dirs: string[], what: string, load: (file: string) => T, only?: string[]): T[] {
  const byId = new Map<string, T>();
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CrmqError(`${dir}: no such ${what} folder`);
    for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      if (only && !only.includes(name.replace(/\.ya?ml$/, ''))) continue;
      const item = load(join(dir, name));
      byId.set(item.id, item);
    }
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** The ids (file names) of the definitions in the folders, without reading them. */
export function idsInFolders(dirs: string[]): string[] {
  const ids = dirs.flatMap((dir) => (existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir) : []).filter((f) => /\.ya?ml$/.test(f)).map((f) => f.replace(/\.ya?ml$/, '')));
  return [...new Set(ids)].sort();
}
