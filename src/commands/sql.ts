import { withDb, type Row } from '../db/database.js';
import { CrmqError } from '../errors.js';

export async function sqlCommand(query: string, opts: { db?: string }): Promise<Row[]> {
  return withDb(
    opts.db,
    async (db) => {
      try {
        return await db.all(query);
      } catch (err) {
        throw new CrmqError(`sql: ${(err as Error).message.split('\n')[0]}`);
      }
    },
    { mustExist: true },
  );
}
