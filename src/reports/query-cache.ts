// Within one `crmq report` run the data does not change, and many reports ask the same questions of it (the months of
// deals' creation dates, the findings of the latest check, the twins among the deals of the period). The validations'
// queries are answered once per setup (the same variables and as-of tables): the key is the setup and the SQL text.
import type { Db, Row } from '../db/database.js';

const setups = new WeakMap<Db, string>();
const answers = new WeakMap<Db, Map<string, Row[]>>();

/** Called by the report setup: answers given under another setup no longer apply. */
export function setSetupKey(db: Db, key: string): void {
  if (setups.get(db) !== key) answers.set(db, new Map());
  setups.set(db, key);
}

/** The database as the validations see it: `all` answered from the cache when the same query ran under the same setup. */
export function cachedDb(db: Db): Db {
  const key = setups.get(db);
  if (key === undefined) return db;
  const cache = answers.get(db)!;
  return {
    ...db,
    async all<T = Row>(sql: string): Promise<T[]> {
      const hit = cache.get(sql);
      if (hit) return hit as T[];
      const rows = await db.all<Row>(sql);
      cache.set(sql, rows);
      return rows as T[];
    },
  };
}

/**
 * Temp tables built from the data once per setup of the tables (context.ts), by name. Keyed by the connection: the
 * validations see the database through cachedDb (another object, the same connection).
 */
const builtTables = new WeakMap<object, Set<string>>();

/** Called when the tables built from the data are rebuilt: what was built from the old ones is built again when asked. */
export function newTableGeneration(db: Db): void {
  builtTables.set(db.conn, new Set());
}

/** Runs `sql` (which creates the temp table `name`) unless it already ran since the data's tables were last built. */
export async function onceBuilt(db: Db, name: string, sql: string | (() => string | Promise<string>)): Promise<void> {
  let names = builtTables.get(db.conn);
  if (!names) builtTables.set(db.conn, (names = new Set()));
  if (names.has(name)) return;
  await db.run(typeof sql === 'string' ? sql : await sql());
  names.add(name);
}
