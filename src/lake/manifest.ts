// The lake's table of contents (manifest.json): every table, its files with their row counts, its columns, and
// which crmq wrote it when. `crmq import` trusts nothing else: it checks the files against these counts.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { CrmqError } from '../errors.js';
import { LAKE_FORMAT } from './lake-path.js';

export { LAKE_FORMAT, MANIFEST } from './lake-path.js';
export const LAKE_VERSION = 1;

/**
 * Every table of the database besides the canonical ones, and what the lake does with it. bookkeeping tables belong to
 * their sources' imports and pulls: by a `source` column, or (`byImport`) by their import id alone, as the drift
 * profile of each import; findings tables describe check runs of the whole database; a cache is derived and not
 * exported. Columns holding import or pull ids are listed, so that a lake read into a database with imports of its own
 * gets ids of its own. test/lake.test.ts fails when a table of the schema is missing here.
 */
export const OTHER_TABLES: Record<string, { kind: 'bookkeeping' | 'findings' | 'cache'; importIds?: string[]; pullIds?: string[]; byImport?: boolean }> = {
  imports: { kind: 'bookkeeping', importIds: ['import_id'] },
  rejects: { kind: 'bookkeeping', importIds: ['import_id'] },
  pulls: { kind: 'bookkeeping', pullIds: ['pull_id'] },
  // Issue 15's drift history: each import's profile, read back with its import (drift rules and `crmq history` go on).
  import_profiles: { kind: 'bookkeeping', importIds: ['import_id', 'prev_import_id'] },
  import_headers: { kind: 'bookkeeping', importIds: ['import_id'], byImport: true },
  import_fields: { kind: 'bookkeeping', importIds: ['import_id'], byImport: true },
  import_amounts: { kind: 'bookkeeping', importIds: ['import_id'], byImport: true },
  import_values: { kind: 'bookkeeping', importIds: ['import_id'], byImport: true },
  import_transitions: { kind: 'bookkeeping', importIds: ['import_id'], byImport: true },
  check_runs: { kind: 'findings' },
  findings: { kind: 'findings' },
  // Per-rule run records and every finding's first/last/resolved run: read back with the check runs they describe.
  check_run_rules: { kind: 'findings' },
  finding_history: { kind: 'findings' },
  phone_norm: { kind: 'cache' },
};
export const tablesOfKind = (kind: 'bookkeeping' | 'findings') => Object.keys(OTHER_TABLES).filter((t) => OTHER_TABLES[t].kind === kind);
/** The bookkeeping tables with a `source` column (the others belong to a source through their import id). */
export const bookkeepingBySource = () => tablesOfKind('bookkeeping').filter((t) => !OTHER_TABLES[t].byImport);

/**
 * canonical: the model's tables (docs/model.md); bookkeeping: imports, rejects, pulls; findings: check runs and
 * their findings. These three are read back by `crmq import`. derived and report: results computed from them
 * (duplicate clusters, report rows), written for other engines only.
 */
export const TABLE_KINDS = ['canonical', 'bookkeeping', 'findings', 'derived', 'report'] as const;
export type TableKind = (typeof TABLE_KINDS)[number];
export const RESTORED_KINDS: readonly TableKind[] = ['canonical', 'bookkeeping', 'findings'];

/** A path inside the lake: relative, forward slashes, no way out of the lake's folder. */
const InsideLake = z.string().min(1).refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.split(/[\\/]/).includes('..'), 'must be a path inside the lake');
const LakeFile = z.object({ path: InsideLake, rows: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }).strict();

const LakeTable = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_/-]*$/),
    kind: z.enum(TABLE_KINDS),
    /** Folder of the table's files, relative to the lake. */
    dir: InsideLake,
    /** Hive-style partition columns (folders `source=hubspot/created_month=2026-01`); they are also in the files. */
    partition_by: z.array(z.string()),
    rows: z.number().int().nonnegative(),
    files: z.array(LakeFile),
    columns: z.array(z.object({ name: z.string().min(1), type: z.string().min(1) }).strict()),
    /** Columns that exist only in the lake (partition keys derived at export), dropped on import. */
    derived_columns: z.array(z.string()).default([]),
  })
  .strict();

export const ManifestSchema = z
  .object({
    format: z.literal(LAKE_FORMAT),
    lake_version: z.literal(LAKE_VERSION),
    crmq_version: z.string(),
    exported_at: z.string(),
    /** The report period the report tables were computed for, when they were. */
    reports: z.object({ start: z.string(), end: z.string(), as_of: z.string() }).strict().optional(),
    tables: z.array(LakeTable),
  })
  .strict();

export type Manifest = z.infer<typeof ManifestSchema>;
export type LakeTable = z.infer<typeof LakeTable>;

export function readManifest(path: string): Manifest {
  if (!existsSync(path)) throw new CrmqError(`${path}: no lake manifest here`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CrmqError(`${path}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const kind = (json as { format?: unknown })?.format;
  if (kind !== LAKE_FORMAT) throw new CrmqError(`${path}: not a crmq lake manifest (format is ${JSON.stringify(kind)}, expected "${LAKE_FORMAT}")`);
  const version = (json as { lake_version?: unknown }).lake_version;
  if (version !== LAKE_VERSION) throw new CrmqError(`${path}: lake version ${JSON.stringify(version)} is not one this crmq reads (${LAKE_VERSION}); use the crmq that wrote it`);
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CrmqError(`${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return parsed.data;
}
