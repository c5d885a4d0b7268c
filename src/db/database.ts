import type { DuckDBConnection, DuckDBInstance, DuckDBResultReader } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CrmqError } from '../errors.js';
import { schemaDdl } from '../model/ddl.js';
import { duckdb } from './duckdb.js';

export type Row = Record<string, unknown>;

export interface Db {
  path: string;
  conn: DuckDBConnection;
  /** Runs SQL and returns rows as plain JSON-safe objects (bigints and decimals as numbers or strings). */
  all<T = Row>(sql: string): Promise<T[]>;
  run(sql: string): Promise<void>;
  /** Runs fn inside BEGIN … COMMIT; any throw rolls everything back. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): void;
}

export const defaultDbPath = (): string => process.env.CRMQ_DB || './crmq.duckdb';

function explainOpenError(path: string, err: unknown): CrmqError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/lock/i.test(msg)) return new CrmqError(`${path}: database is locked by another process (close it and retry)`);
  if (/not a valid DuckDB database|invalid|corrupt/i.test(msg)) return new CrmqError(`${path}: not a DuckDB database file`);
  return new CrmqError(`${path}: cannot open database: ${msg.split('\n')[0]}`);
}

/** Rows as plain values: integers and decimals as numbers (bigints beyond 2^53 as strings), dates as 'YYYY-MM-DD', timestamps as 'YYYY-MM-DD HH:MM:SS'. */
function toPlainRows(reader: DuckDBResultReader): Row[] {
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.toString());
  const json = reader.getRowsJson();
  return json.map((row) => {
    const out: Row = {};
    row.forEach((v, i) => {
      const type = types[i];
      let value: unknown = v;
      if (typeof v === 'string' && /^(BIGINT|INTEGER|HUGEINT|UBIGINT|UINTEGER|SMALLINT|TINYINT|DECIMAL)/.test(type)) {
        const n = Number(v);
        value = Number.isSafeInteger(n) || type.startsWith('DECIMAL') ? n : v;
      } else if (typeof v === 'string' && type.startsWith('TIMESTAMP')) {
        value = v.replace(/\.\d+$/, '');
      }
      out[names[i]] = value;
    });
    return out;
  });
}

/** Opens (or creates) a crmq database file and makes sure the canonical schema exists. */
export async function openDb(path = defaultDbPath(), opts: { readOnly?: boolean; mustExist?: boolean } = {}): Promise<Db> {
  const full = path === ':memory:' ? path : resolve(path);
  if (opts.mustExist && full !== ':memory:' && !existsSync(full)) {
    throw new CrmqError(`${path}: no database here; run \`crmq import\` first or pass --db`);
  }
  let instance: DuckDBInstance;
  try {
    instance = await duckdb.DuckDBInstance.create(full, opts.readOnly ? { access_mode: 'READ_ONLY' } : {});
  } catch (err) {
    throw explainOpenError(path, err);
  }
  const conn = await instance.connect();
  const db: Db = {
    path: full,
    conn,
    async all<T>(sql: string) {
      const reader = await conn.runAndReadAll(sql);
      return toPlainRows(reader) as T[];
    },
    async run(sql: string) {
      await conn.run(sql);
    },
    async transaction(fn) {
      await conn.run('BEGIN TRANSACTION');
      try {
        const out = await fn();
        await conn.run('COMMIT');
        return out;
      } catch (err) {
        try {
          await conn.run('ROLLBACK');
        } catch {
          // the transaction may already be aborted; nothing more to undo
        }
        throw err;
      }
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
  if (!opts.readOnly) await ensureSchema(conn);
  return db;
}

/**
 * Creates the canonical schema unless this database already has this version of it: the DDL's hash is kept as
 * the comment of the imports table, so opening a current database costs one catalogue query, not the whole DDL
 * (which also rewrote a view, and so the database file, on every open).
 */
async function ensureSchema(conn: DuckDBConnection): Promise<void> {
  const ddl = schemaDdl();
  const mark = `crmq schema ${createHash('sha256').update(ddl).digest('hex').slice(0, 16)}`;
  const found = await conn.runAndReadAll(`SELECT comment FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'imports'`);
  if (found.getRows()[0]?.[0] === mark) return;
  await conn.run(ddl);
  await conn.run(`COMMENT ON TABLE imports IS '${mark}'`);
}

/** Opens a database, runs fn, and always closes it. */
export async function withDb<T>(path: string | undefined, fn: (db: Db) => Promise<T>, opts?: { readOnly?: boolean; mustExist?: boolean }): Promise<T> {
  const db = await openDb(path ?? defaultDbPath(), opts);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}
