// The package's own YAML (report definitions, the semantic standard) parsed when crmq is built: `npm run build` writes
// each file's content as JSON, with the hash of its text, to dist/yaml-cache.json. At run time a shipped file whose text
// still has that hash is read from there instead of parsed (the yaml library's first documents cost about a tenth of a
// second of a one-report run); it still goes through its zod schema. A file edited since the build, a user's file,
// or no cache at all (tests run from src/): parsed as before.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { packagePath, PACKAGE_ROOT } from './paths.js';

/** The folders whose YAML files are cached, under the package root. */
export const CACHED_FOLDERS = ['reports', join('rules', 'semantics')];
export const YAML_CACHE = packagePath('dist', 'yaml-cache.json');

/** The yaml library, loaded when a file is parsed (a cache hit needs none of it; loading it cost about 50 ms). */
export const yamlLib = (): typeof import('yaml') => createRequire(import.meta.url)('yaml') as typeof import('yaml');

type Cache = Record<string, { sha256: string; json: string }>;
const caches = new Map<string, Cache | null>();

const hash = (text: string) => createHash('sha256').update(text).digest('hex');
const keyOf = (file: string) => relative(PACKAGE_ROOT, resolve(file)).split('\\').join('/');

/** The content of `file` (its text given) as it was parsed at build time, when the text is unchanged; else undefined. */
export function precompiled(file: string, text: string, cacheFile = YAML_CACHE): unknown {
  if (!caches.has(cacheFile)) {
    try {
      caches.set(cacheFile, JSON.parse(readFileSync(cacheFile, 'utf8')) as Cache);
    } catch {
      caches.set(cacheFile, null);
    }
  }
  const hit = caches.get(cacheFile)?.[keyOf(file)];
  return hit && hit.sha256 === hash(text) ? JSON.parse(hit.json) : undefined;
}

/** Writes the cache of every YAML file of CACHED_FOLDERS that parses (the others are left to fail at run time, with their line). */
export function writeYamlCache(out = YAML_CACHE): number {
  const entries: Cache = {};
  for (const dir of CACHED_FOLDERS) {
    for (const name of readdirSync(packagePath(dir)).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      const file = packagePath(dir, name);
      const text = readFileSync(file, 'utf8');
      let data: unknown;
      try {
        data = yamlLib().parse(text, { prettyErrors: false });
      } catch {
        continue;
      }
      const json = JSON.stringify(data ?? {});
      // Only what JSON keeps as it is (no .inf, no NaN): anything else is parsed at run time.
      if (isDeepStrictEqual(JSON.parse(json), data ?? {})) entries[keyOf(file)] = { sha256: hash(text), json };
    }
  }
  writeFileSync(out, JSON.stringify(entries));
  return Object.keys(entries).length;
}
