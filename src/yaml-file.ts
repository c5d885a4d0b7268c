// Reading a YAML file through a zod schema: every problem is one line naming the file, the line and the field,
// in words a user can act on ("unknown key severty (did you mean severity?)", `"last-week" is not one of …`).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { CrmqError } from './errors.js';
import { precompiled, yamlLib } from './yaml-cache.js';

type Path = (string | number)[];
type Issue = z.core.$ZodIssue;

export interface YamlDoc<T> {
  data: T;
  file: string;
  /** The line of the deepest node of `path` that exists in the file. */
  lineOf(path: Path): number | undefined;
  /** A one-line error at `path`: `file:line: a.b.c: message`. */
  error(path: Path, message: string, at?: Path): CrmqError;
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** " (did you mean severity?)" when one known word is close to what was written. */
export function didYouMean(word: string, known: readonly string[]): string {
  const scored = known.map((k) => ({ k, d: distance(word.toLowerCase(), k.toLowerCase()) })).sort((x, y) => x.d - y.d || x.k.localeCompare(y.k));
  const best = scored[0];
  const close = best && best.d <= Math.max(2, Math.floor(Math.max(word.length, best.k.length) / 3)) && best.d < Math.min(word.length, best.k.length);
  return close ? ` (did you mean ${best.k}?)` : '';
}

/** The object keys a schema allows at `path` (through optional, default, array, record, union and pipe). */
function keysAt(schema: z.ZodType, path: Path): string[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const inner = (s: unknown) => keysAt(s as z.ZodType, path);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return inner(def.innerType);
    case 'pipe':
      return inner(def.in);
    case 'union':
      return [...new Set((def.options as z.ZodType[]).flatMap((o) => keysAt(o, path)))];
    case 'array':
      return typeof path[0] === 'number' ? keysAt(def.element as z.ZodType, path.slice(1)) : [];
    case 'record':
      return path.length ? keysAt(def.valueType as z.ZodType, path.slice(1)) : [];
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      if (!path.length) return Object.keys(shape);
      const next = shape[String(path[0])];
      return next ? keysAt(next, path.slice(1)) : [];
    }
    default:
      return [];
  }
}

const depth = (issues: Issue[]) => Math.min(...issues.map((i) => (i.code === 'unrecognized_keys' ? i.path.length : i.path.length + (i.code === 'invalid_type' ? 0.5 : 1))));

/**
 * The issue to report, with its path: unknown keys first (they explain the missing ones); inside a union, the
 * branch that got furthest (the step kind that was written, not every kind it is not).
 */
function pickIssue(issues: readonly Issue[], base: Path = []): { issue: Issue; path: Path } {
  const first = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  const path = [...base, ...first.path.map((p) => (typeof p === 'symbol' ? String(p) : p))] as Path;
  if (first.code === 'invalid_union' && first.errors.length) {
    const best = [...first.errors].filter((b) => b.length).sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0];
    if (best) return pickIssue(best, path);
  }
  return { issue: first, path };
}

const valueAt = (data: unknown, path: Path): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k as string] : undefined), data);

function describe(issue: Issue, path: Path, data: unknown, schema: z.ZodType): { path: Path; message: string; at?: Path } {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0];
      const known = keysAt(schema, path);
      const hint = didYouMean(key, known) || (known.length ? ` (keys here: ${known.join(', ')})` : '');
      return { path, at: [...path, key], message: `unknown key ${key}${hint}` };
    }
    case 'invalid_value': {
      const v = valueAt(data, path);
      const values = issue.values.map(String);
      return { path, message: `${JSON.stringify(v)} is not one of ${values.join(', ')}${typeof v === 'string' ? didYouMean(v, values) : ''}` };
    }
    case 'invalid_type':
      if (valueAt(data, path) === undefined) return { path, message: `is required (${issue.expected})` };
      return { path, message: `expected ${issue.expected}, got ${JSON.stringify(valueAt(data, path))}` };
    default:
      return { path, message: issue.message };
  }
}

/** Parses a YAML file through a schema; every problem is a CrmqError naming the file, the line and the field. */
export function readYamlDoc<S extends z.ZodType>(file: string, schema: S, opts: { what?: string } = {}): YamlDoc<z.output<S>> {
  if (!existsSync(file)) throw new CrmqError(`${file}: ${opts.what ?? 'file'} not found`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CrmqError(`${file}: cannot read the ${opts.what ?? 'file'} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const { LineCounter, parseDocument } = yamlLib();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new CrmqError(`${file}:${lines.linePos(e.pos[0]).line}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const lineOf = (path: Path) => lineIn(doc, lines, path);
  const error = (path: Path, message: string, at: Path = path) => {
    const line = lineOf(at);
    return new CrmqError(`${file}${line ? `:${line}` : ''}: ${path.length ? `${path.join('.')}: ` : ''}${message}`);
  };
  const raw = doc.toJS() ?? {};
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const { issue, path } = pickIssue(parsed.error.issues);
    const d = describe(issue, path, raw, schema);
    throw error(d.path, d.message, d.at);
  }
  return { data: parsed.data, file, lineOf, error };
}

export function readYamlFile<S extends z.ZodType>(file: string, schema: S, opts: { what?: string } = {}): z.output<S> {
  // A shipped file unchanged since the build: its content parsed then (yaml-cache.ts). Any problem: read as below, for its line.
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // not there or not readable: readYamlDoc says so
  }
  const pre = text === undefined ? undefined : precompiled(file, text);
  if (pre !== undefined) {
    const parsed = schema.safeParse(pre);
    if (parsed.success) return parsed.data;
  }
  return readYamlDoc(file, schema, opts).data;
}

function lineIn(doc: Document, lines: LineCounter, path: Path): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number] } | undefined;
    if (node?.range) {
      // A key's own line: find the pair, so a missing value still points at its key.
      const parent = n > 0 ? (doc.getIn(path.slice(0, n - 1), true) as { items?: { key?: { value?: unknown; range?: [number, number] } }[] } | undefined) : undefined;
      const pair = parent?.items?.find((p) => p.key?.value === path[n - 1]);
      return lines.linePos((pair?.key?.range ?? node.range)[0]).line;
    }
    if (n > 0) {
      const parent = doc.getIn(path.slice(0, n - 1), true) as { items?: { key?: { value?: unknown; range?: [number, number] } }[] } | undefined;
      const pair = parent?.items?.find((p) => p.key?.value === path[n - 1]);
      if (pair?.key?.range) return lines.linePos(pair.key.range[0]).line;
    }
  }
  return undefined;
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
