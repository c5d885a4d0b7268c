import { withDb, type Db } from '../db/database.js';
import type { Progress } from '../ui/progress.js';
import { importFile, type ImportOptions, type ImportResult } from '../import/import-file.js';

export interface ImportCommandOptions extends Omit<ImportOptions, 'file' | 'onPhase'> {
  db?: string;
  /** A progress display for this database connection (the CLI passes one when stderr is a terminal). */
  progress?: (db: Db) => Progress;
}

/** Imports each file in turn; each file is its own transaction, so a failure leaves earlier files in place. */
export async function importCommand(files: string[], opts: ImportCommandOptions): Promise<ImportResult[]> {
  return withDb(opts.db, async (db) => {
    const results: ImportResult[] = [];
    const progress = opts.progress?.(db);
    try {
      for (const file of files) results.push(await importFile(db, { ...opts, file, onPhase: progress?.phase }));
    } finally {
      progress?.stop();
    }
    return results;
  });
}
