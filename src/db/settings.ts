// How much memory DuckDB may use and where it spills: a bounded default (so a 10-million-row check or report
// spills to disk instead of taking the machine), overridden by crmq.yaml (`database:`) and then by the environment
// (CRMQ_MEMORY_LIMIT, CRMQ_TEMP_DIRECTORY, CRMQ_THREADS).
import { existsSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { CrmqError } from '../errors.js';
import type { DatabaseSettings } from './settings-schema.js';

export type { DatabaseSettings };

/** A size DuckDB takes: 4GB, 512MB, 1.5GiB. */
export const SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

/**
 * Half the RAM, at most 4 GiB, so a 10-million-row check or report spills instead of outgrowing 8 GB. Measured at 1M rows
 * (bench/results.md): peak RSS 2.5 GB at this default, 0.7 GB at a tenth of it (data about 10× the memory allowed).
 */
export function defaultMemoryLimit(total = totalmem()): string {
  return `${Math.max(256, Math.min(4096, Math.floor(total / 2 / 2 ** 20)))}MiB`;
}

/** `database:` of ./crmq.yaml, for commands that take no --config (those that do pass theirs); zod and yaml load only when it exists. */
export async function projectSettings(): Promise<DatabaseSettings> {
  if (!existsSync('crmq.yaml')) return {};
  const [{ z }, { readYamlFile }, { DatabaseSettingsSchema }] = await Promise.all([import('zod'), import('../yaml-file.js'), import('./settings-schema.js')]);
  return readYamlFile('crmq.yaml', z.object({ database: DatabaseSettingsSchema.default({}) }).passthrough(), { what: 'config file' }).database;
}

/** The DuckDB options for a database at `path` (':memory:' too): defaults, then crmq.yaml, then the environment. */
export function duckdbOptions(path: string, fromConfig: DatabaseSettings = {}, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const memory = env.CRMQ_MEMORY_LIMIT ?? fromConfig.memory_limit ?? defaultMemoryLimit();
  if (!SIZE.test(memory.trim())) throw new CrmqError(`${env.CRMQ_MEMORY_LIMIT ? 'CRMQ_MEMORY_LIMIT' : 'crmq.yaml: database.memory_limit'}: "${memory}" is not a size such as 4GB or 512MB`);
  const threads = env.CRMQ_THREADS ?? (fromConfig.threads === undefined ? undefined : String(fromConfig.threads));
  if (threads !== undefined && !/^[1-9]\d*$/.test(threads)) throw new CrmqError(`CRMQ_THREADS: "${threads}" is not a positive whole number`);
  // An in-memory database would spill into ./.tmp of whatever folder it runs in: a folder of its own instead.
  const temp = env.CRMQ_TEMP_DIRECTORY ?? fromConfig.temp_directory ?? (path === ':memory:' ? join(tmpdir(), `crmq-${process.pid}.tmp`) : `${path}.tmp`);
  return { memory_limit: memory.trim(), temp_directory: temp, ...(threads ? { threads } : {}) };
}
