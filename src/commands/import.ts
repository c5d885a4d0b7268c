// `crmq import <files…>`: load export files into the canonical model, one transaction per file.
import { Option, type Command } from 'commander';
import { PRESET_IDS } from '../connectors/presets/index.js';
import type { Db } from '../db/database.js';
import { CrmqError } from '../errors.js';
import type { ImportChanges } from '../drift/import-changes.js';
import type { Explanation } from '../import/explain.js';
import type { ImportOptions, ImportResult } from '../import/import-file.js';
import { ENTITIES } from '../model/tables.js';
import type { Progress } from '../ui/progress.js';
import type { LakeImportResult } from '../lake/import-lake.js';
import { lakeManifestPath } from '../lake/lake-path.js';
import { collect, dbOption, formatOption, requireOptions, type Io } from './command.js';

export interface ImportCommandOptions extends Omit<ImportOptions, 'file' | 'onPhase'> {
  db?: string;
  /** A progress display for this database connection (the CLI passes one when stderr is a terminal). */
  progress?: (db: Db) => Promise<Progress>;
}

/** An import, and what differs from the previous export of the same source and entity. */
export type ImportCommandResult = ImportResult & { changes?: ImportChanges };

/**
 * Opens the database once and runs `each` on every input in turn, with the progress display (when the CLI gives one)
 * told each phase and stopped at the end, also after a failure. Each input is its own transaction (inside `each`).
 */
async function eachWithProgress<T>(inputs: string[], opts: { db?: string; progress?: (db: Db) => Promise<Progress> }, each: (db: Db, input: string, onPhase?: Progress['phase']) => Promise<T>): Promise<T[]> {
  const { withDb } = await import('../db/database.js');
  return withDb(opts.db, async (db) => {
    const results: T[] = [];
    const progress = await opts.progress?.(db);
    try {
      for (const input of inputs) results.push(await each(db, input, progress?.phase));
    } finally {
      progress?.stop();
    }
    return results;
  });
}

/** Imports each file in turn; each file is its own transaction, so a failure leaves earlier files in place. */
export async function importCommand(files: string[], opts: ImportCommandOptions): Promise<ImportCommandResult[]> {
  const { importFile } = await import('../import/import-file.js');
  const { WriteError } = await import('../errors.js');
  const { importChanges } = await import('../drift/import-changes.js');
  return eachWithProgress(files, opts, async (db, file, onPhase): Promise<ImportCommandResult> => {
    const r = await importFile(db, { ...opts, file, onPhase });
    return r.status === 'imported' ? { ...r, changes: await importChanges(db, r.importId) } : r;
  }).catch((err) => {
    // importFile names its file in its own write errors; one left here is the database's opening: name the inputs too.
    if (err instanceof WriteError) throw new CrmqError(`${files.join(', ')}: not imported: ${err.message}`);
    throw err;
  });
}

/** `--explain`: each file's layout, column by column, and whether an import would take it; nothing is written (an in-memory database). */
export async function explainCommand(files: string[], opts: Omit<ImportOptions, 'file' | 'source'>): Promise<Explanation[]> {
  const { withDb } = await import('../db/database.js');
  const { explainFile } = await import('../import/explain.js');
  return withDb(':memory:', async (db) => {
    const out: Explanation[] = [];
    for (const file of files) out.push(await explainFile(db, { ...opts, file }));
    return out;
  });
}

export function describeExplanation(e: Explanation): string {
  const width = Math.max(...e.columns.map((c) => c.header.length), 6);
  const lines = [
    `${e.file}: ${e.preset} ${e.entity} [${e.encoding}, '${e.delimiter === '\t' ? '\\t' : e.delimiter}'], ${e.rows} rows`,
    ...e.columns.map((c) => `  ${c.header.padEnd(width)}  → ${c.field}${c.format ? `  (${c.format})` : ''}`),
    e.problem ? `  an import would stop: ${e.problem}` : `  fits: ${e.columns.filter((c) => c.field !== 'extra').length} of ${e.columns.length} columns feed a field`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Options that describe an export file, meaningless for a lake (which carries its own sources and types). */
const FILE_OPTIONS = ['source', 'preset', 'entity', 'mapping', 'encoding', 'delimiter', 'sheet', 'columns', 'currency', 'force', 'explain'] as const;

/** Reads Parquet lakes written by `crmq export` back, each in one transaction. */
export async function importLakeCommand(lakes: string[], opts: { db?: string; replace?: boolean; progress?: (db: Db) => Promise<Progress> }): Promise<LakeImportResult[]> {
  const { importLake } = await import('../lake/import-lake.js');
  return eachWithProgress(lakes, opts, (db, lake, onPhase) => {
    const manifest = lakeManifestPath(lake);
    if (!manifest) throw new CrmqError(`${lake}: not a crmq lake (no manifest.json)`);
    return importLake(db, manifest, { replace: opts.replace, onPhase });
  });
}

const isLake = (args: string[]) => args.length > 0 && args.every((a) => lakeManifestPath(a) !== undefined);

export function configure(cmd: Command, io: Io): void {
  cmd
    .argument('<files...>', 'export files (.csv, .txt, .xlsx, .json), or lakes written by `crmq export` (a folder or its manifest.json)')
    .option('-s, --source <name>', 'name for where the data came from, e.g. hubspot-eu (kept as lineage; not needed with --explain or for a lake)')
    .addOption(new Option('-p, --preset <preset>', 'CRM export layout (default: auto, detected from the headers; generic with --mapping)').choices(PRESET_IDS))
    .addOption(new Option('-e, --entity <entity>', 'what the file holds (default: detected from headers)').choices(ENTITIES))
    .option('-m, --mapping <file.yaml>', 'column mapping file (generic preset, or to extend a preset)')
    .option('--encoding <name>', 'file encoding: utf-8, windows-1251, utf-16le, koi8-r … (default: detected)')
    .option('--delimiter <char>', 'field delimiter (default: sniffed from , ; tab |)')
    .option('--sheet <name>', 'XLSX sheet to read (default: the first visible one)')
    .option('--no-header', 'the CSV has no header row: its first line is a record (columns "column 1", "column 2", … or --columns)')
    .option('--columns <names>', 'names for the columns of a header-less CSV, comma-separated, in order (implies --no-header)', collect)
    .option('--currency <code>', 'currency of amounts when the file names none, e.g. RUB')
    .option('--replace', "replace this source's rows of the entity with the file's (a lake's sources' rows with the lake's), atomically", false)
    .option('--max-rejects <percent>', 'fail the import, loading nothing, when more rows than this are rejected', '50')
    .option('--force', 'load even when the layout recognises under half of the columns or lacks key fields (otherwise: exit 2, nothing loaded)', false)
    .option('--explain', "print the detected preset, entity, each column's field and format, and whether the layout fits; load nothing", false)
    .addOption(dbOption())
    .addOption(formatOption(['text', 'json'], 'text'))
    .action(async (files: string[], o) => {
      const { progressFor } = await import('../ui/progress.js');
      if (files.some((f) => lakeManifestPath(f))) {
        if (!isLake(files)) throw new CrmqError('import lakes and export files separately: a lake carries its own sources');
        const given = FILE_OPTIONS.find((k) => o[k] !== undefined && o[k] !== false) ?? (o.header === false ? 'no-header' : undefined);
        if (given) throw new CrmqError(`--${given}: a lake keeps the sources, entities and types it was exported with; leave --${given} out`);
        const { describeLakeImport } = await import('../ui/import-summary.js');
        const results = await importLakeCommand(files, { db: o.db, replace: o.replace, progress: (db) => progressFor(db.conn) });
        io.stdout(o.format === 'json' ? JSON.stringify(results, null, 2) + '\n' : results.map((r) => describeLakeImport(r) + '\n').join(''));
        return;
      }
      if (o.explain) {
        const ex = await explainCommand(files, { ...o, noHeader: o.header === false });
        io.stdout(o.format === 'json' ? JSON.stringify(ex, null, 2) + '\n' : ex.map(describeExplanation).join('\n'));
        return;
      }
      const maxRejects = Number(o.maxRejects);
      if (!Number.isFinite(maxRejects) || maxRejects < 0 || maxRejects > 100) throw new CrmqError(`--max-rejects: "${o.maxRejects}" is not a percentage from 0 to 100`);
      const delimiter = o.delimiter === '\\t' || o.delimiter === 'tab' ? '\t' : o.delimiter;
      const { describeImport } = await import('../ui/import-summary.js');
      const results = await importCommand(files, { ...o, delimiter, noHeader: o.header === false, preset: o.preset, maxRejectShare: maxRejects / 100, progress: (db) => progressFor(db.conn) });
      if (o.format === 'json') io.stdout(JSON.stringify(results, null, 2) + '\n');
      else for (const r of results) io.stdout(describeImport(r) + '\n');
      // An unchanged file's rejects are still there: the same exit code as its first import.
      if (results.some((r) => r.rowsRejected > 0)) io.setExit(1);
    });
  requireOptions(cmd, 'source', { unless: 'explain' }, { unlessArgs: isLake });
}
