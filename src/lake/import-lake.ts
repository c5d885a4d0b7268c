// Reads a Parquet lake written by `crmq export` back into a database, in one transaction: the canonical tables,
// the import log, rejects and pulls, and (into a database without check runs of its own) the check runs and
// findings. Every file is checked against the manifest's row counts first, and every table's rows loaded are
// counted against them, so a lake that lost or gained rows on the way is refused, not half-read.
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Db } from '../db/database.js';
import { ident, lit, litList } from '../db/sql.js';
import { CrmqError } from '../errors.js';
import { ENTITIES, isEntity } from '../model/tables.js';
import { bookkeepingBySource, OTHER_TABLES, readManifest, RESTORED_KINDS, tablesOfKind, type LakeTable } from './manifest.js';

export interface LakeImportResult {
  lake: string;
  crmqVersion: string;
  exportedAt: string;
  /** Rows loaded per table read back. */
  tables: { name: string; rows: number }[];
  sources: string[];
  /** Canonical rows of the lake's sources removed first (--replace). */
  rowsReplaced: number;
  /** Import ids (and pull ids) were shifted by this much to stay unique in a database that had imports already. */
  idOffset: number;
  /** Check runs and findings were read back only into a database with no check runs of its own. */
  findings: 'restored' | 'skipped';
}

/** Which tables a lake gives back, and into which database table. */
function restorable(t: LakeTable): boolean {
  if (!RESTORED_KINDS.includes(t.kind)) return false;
  return t.kind === 'canonical' ? isEntity(t.name) : Object.hasOwn(OTHER_TABLES, t.name) && OTHER_TABLES[t.name].kind === t.kind;
}

export async function importLake(db: Db, manifestPath: string, opts: { replace?: boolean; onPhase?: (label: string) => void } = {}): Promise<LakeImportResult> {
  const path = resolve(manifestPath);
  const root = dirname(path);
  const m = readManifest(path);
  const phase = (what: string) => opts.onPhase?.(`${basename(root)}: ${what}`);
  for (const t of m.tables) {
    if (RESTORED_KINDS.includes(t.kind) && !restorable(t)) throw new CrmqError(`${path}: table "${t.name}" (${t.kind}) is not one this crmq knows; use the crmq that wrote the lake (${m.crmq_version})`);
  }
  const tables = m.tables.filter(restorable);
  phase('checking files');
  const filesOf = new Map<string, string[]>();
  for (const t of tables) {
    const files = t.files.map((f) => join(root, f.path));
    for (const f of t.files) if (!existsSync(join(root, f.path))) throw new CrmqError(`${path}: ${t.name}: file ${f.path} is missing`);
    if (files.length) {
      const counts = await db.all<{ file: string; rows: number }>(`SELECT file_name AS file, num_rows AS rows FROM parquet_file_metadata(${litList(files)})`).catch((e: Error) => {
        throw new CrmqError(`${path}: ${t.name}: a file is not readable Parquet (${e.message.split('\n')[0]})`);
      });
      const byFile = new Map(counts.map((c) => [resolve(c.file), c.rows]));
      for (const f of t.files) {
        const rows = byFile.get(join(root, f.path));
        if (rows !== f.rows) throw new CrmqError(`${path}: ${t.name}: ${f.path} holds ${rows ?? 0} rows, the manifest says ${f.rows}`);
      }
    }
    const sum = t.files.reduce((a, f) => a + f.rows, 0);
    if (sum !== t.rows) throw new CrmqError(`${path}: ${t.name}: its files hold ${sum} rows, the manifest says ${t.rows}`);
    const have = new Set((await db.all<{ name: string }>(`SELECT column_name AS name FROM (DESCRIBE ${ident(t.name)})`)).map((c) => c.name));
    const unknown = t.columns.map((c) => c.name).filter((c) => !have.has(c) && !t.derived_columns.includes(c));
    if (unknown.length) throw new CrmqError(`${path}: ${t.name} has column(s) ${unknown.join(', ')} this crmq does not know; use the crmq that wrote the lake (${m.crmq_version})`);
    filesOf.set(t.name, files);
  }
  const read = (t: LakeTable) => `read_parquet(${litList(filesOf.get(t.name)!)}, hive_partitioning = false, union_by_name = true)`;
  const withSource = tables.filter((t) => t.rows > 0 && (t.kind === 'canonical' || bookkeepingBySource().includes(t.name)));
  const sources = withSource.length
    ? (await db.all<{ source: string }>(`SELECT DISTINCT source FROM (${withSource.map((t) => `SELECT source FROM ${read(t)}`).join(' UNION ALL ')}) ORDER BY 1`)).map((r) => r.source)
    : [];

  phase('loading');
  return db.transaction(async () => {
    const owners = [...ENTITIES, ...bookkeepingBySource()];
    const held = sources.length
      ? (await db.all<{ source: string }>(`SELECT DISTINCT source FROM (${owners.map((t) => `SELECT source FROM ${t} WHERE source IN (${sources.map(lit).join(', ')})`).join(' UNION ALL ')}) ORDER BY 1`)).map((r) => r.source)
      : [];
    let rowsReplaced = 0;
    if (held.length && !opts.replace) {
      throw new CrmqError(`${path}: the database already holds source${held.length > 1 ? 's' : ''} ${held.join(', ')}; add --replace to swap their rows for the lake's, or import into a new database`);
    }
    if (held.length) {
      const inHeld = `source IN (${held.map(lit).join(', ')})`;
      for (const e of ENTITIES) rowsReplaced += Number((await db.all<{ Count: number }>(`DELETE FROM ${e} WHERE ${inHeld}`))[0]?.Count ?? 0);
      // Tables kept by import id first, while the imports rows that name the held sources' imports are still there.
      const heldImports = `import_id IN (SELECT import_id FROM imports WHERE ${inHeld})`;
      for (const t of tablesOfKind('bookkeeping').filter((x) => OTHER_TABLES[x].byImport)) await db.run(`DELETE FROM ${t} WHERE ${heldImports}`);
      for (const t of bookkeepingBySource()) await db.run(`DELETE FROM ${t} WHERE ${inHeld}`);
    }
    const [ids] = await db.all<{ imports: number; pulls: number; runs: number }>(
      `SELECT coalesce((SELECT max(import_id) FROM imports), 0) AS imports, coalesce((SELECT max(pull_id) FROM pulls), 0) AS pulls, (SELECT count(*) FROM check_runs) AS runs`,
    );
    const idOffset = Math.max(ids.imports, ids.pulls);
    const restoreFindings = ids.runs === 0;
    const loaded: { name: string; rows: number }[] = [];
    for (const t of tables) {
      if (t.kind === 'findings' && !restoreFindings) continue;
      if (t.rows === 0) {
        loaded.push({ name: t.name, rows: 0 });
        continue;
      }
      phase(`loading ${t.name}`);
      const ids = OTHER_TABLES[t.name] ?? { importIds: ['import_id'] };
      const shift = idOffset > 0 ? [...(ids.importIds ?? []), ...(ids.pullIds ?? [])].map((c) => `${ident(c)} + ${idOffset} AS ${ident(c)}`) : [];
      const sql =
        `INSERT INTO ${ident(t.name)} BY NAME SELECT *${t.derived_columns.length ? ` EXCLUDE (${t.derived_columns.map(ident).join(', ')})` : ''}` +
        `${shift.length ? ` REPLACE (${shift.join(', ')})` : ''} FROM ${read(t)}`;
      const [r] = await db.all<{ Count: number }>(sql).catch((e: Error) => {
        throw new CrmqError(`${path}: ${t.name} cannot be loaded: ${e.message.split('\n')[0]}`);
      });
      const n = Number(r?.Count ?? 0);
      if (n !== t.rows) throw new CrmqError(`${path}: ${t.name}: loaded ${n} rows, the manifest says ${t.rows}`);
      loaded.push({ name: t.name, rows: n });
    }
    // New imports, pulls and check runs must not reuse an id the lake brought.
    for (const [seq, table, col] of [['import_id_seq', 'imports', 'import_id'], ['pull_id_seq', 'pulls', 'pull_id'], ['check_run_seq', 'check_runs', 'run_id']]) {
      const [{ next, now }] = await db.all<{ next: number; now: number }>(
        `SELECT (SELECT coalesce(max(${col}), 0) + 1 FROM ${table}) AS next,
          (SELECT coalesce(last_value + increment_by, start_value) FROM duckdb_sequences() WHERE sequence_name = ${lit(seq)} AND temporary = false) AS now`,
      );
      if (now < next) await db.run(`CREATE OR REPLACE SEQUENCE ${seq} START ${next}`);
    }
    return {
      lake: root, crmqVersion: m.crmq_version, exportedAt: m.exported_at, tables: loaded, sources, rowsReplaced, idOffset,
      findings: restoreFindings ? 'restored' : 'skipped',
    };
  });
}
