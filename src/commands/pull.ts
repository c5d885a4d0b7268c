// `crmq pull <crm>`: pull records straight from a CRM's API into the database (src/pull/).
import { withDb } from '../db/database.js';
import { pull, type EntityPull, type PullOptions } from '../pull/pull.js';

export interface PullCommandOptions extends PullOptions {
  db?: string;
}

export async function pullCommand(opts: PullCommandOptions): Promise<EntityPull[]> {
  return withDb(opts.db, (db) => pull(db, opts));
}
