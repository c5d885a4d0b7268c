import { withDb } from '../db/database.js';
import { importFile, type ImportOptions, type ImportResult } from '../import/import-file.js';

export interface ImportCommandOptions extends Omit<ImportOptions, 'file'> {
  db?: string;
}

/** Imports each file in turn; each file is its own transaction, so a failure leaves earlier files in place. */
export async function importCommand(files: string[], opts: ImportCommandOptions): Promise<ImportResult[]> {
  return withDb(opts.db, async (db) => {
    const results: ImportResult[] = [];
    for (const file of files) results.push(await importFile(db, { ...opts, file }));
    return results;
  });
}
