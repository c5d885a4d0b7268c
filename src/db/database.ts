import type { DuckDBConnection, DuckDBInstance, DuckDBResultReader } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { constants, copyFileSync, existsSync, linkSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { CrmqError, ioProblem, WriteError } from '../errors.js';
import { dbNotice } from './notice.js';
import { ident, lit } from './sql.js';
import { duckdb } from './duckdb.js';
import { duckdbOptions, projectSettings, type DatabaseSettings } from './settings.js';

export type Row = Record<string, unknown>;

export interface Db {
  path: string;
  conn: DuckDBConnection;
  /** Opened read-only: the user's tables cannot be written on this connection (temp tables can). */
  readOnly: boolean;
  /** Runs SQL and returns rows as plain JSON-safe objects (bigints and decimals as numbers or strings). */
  all<T = Row>(sql: string): Promise<T[]>;
  run(sql: string): Promise<void>;
  /** Runs fn inside BEGIN … COMMIT; any throw rolls everything back. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Only on a database opened `upgradable`: from now on the connection may write (the read-only attachment is
   * swapped for a writable one; temp tables, macros and functions stay). How `crmq check` stores its findings
   * after running the rules' SQL on a connection that could not write.
   */
  upgrade?(): Promise<void>;
  close(): void;
}

export const defaultDbPath = (): string => process.env.CRMQ_DB || './crmq.duckdb';

/** Seconds to wait for a database another process is writing (CRMQ_LOCK_WAIT, default 30). */
export const lockWaitSeconds = (): number => {
  const v = Number(process.env.CRMQ_LOCK_WAIT ?? 30);
  return Number.isFinite(v) && v >= 0 ? v : 30;
};


const isLock = (msg: string) => /lock/i.test(msg) && /conflicting|could not set lock|locked/i.test(msg);
const holder = (msg: string) => /PID (\d+)/.exec(msg)?.[1];

function explainOpenError(path: string, err: unknown): CrmqError {
  const msg = err instanceof Error ? err.message : String(err);
  if (isLock(msg)) return new CrmqError(`${path}: database is locked by another process${holder(msg) ? ` (pid ${holder(msg)})` : ''}; waited ${lockWaitSeconds()} s (CRMQ_LOCK_WAIT), try again when it is done`);
  if (/not a valid DuckDB database|invalid|corrupt/i.test(msg)) return new CrmqError(`${path}: not a DuckDB database file`);
  const io = ioProblem(err);
  if (io) return new WriteError(`${path}: cannot open the database: ${io}`);
  const folder = dirname(resolve(path));
  if (/no such file or directory/i.test(msg) && !existsSync(folder)) return new WriteError(`${path}: cannot create the database: there is no folder ${folder}`);
  return new CrmqError(`${path}: cannot open database: ${msg.split('\n')[0]}`);
}

/** Retries `open` while another process holds the database's lock, up to CRMQ_LOCK_WAIT seconds, saying so once. */
async function waitingForLock<T>(path: string, open: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + lockWaitSeconds() * 1000;
  let told = false;
  for (;;) {
    try {
      return await open();
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (!isLock(msg) || Date.now() >= deadline) throw explainOpenError(path, err);
      if (!told) {
        dbNotice(`${path}: in use by another process${holder(msg) ? ` (pid ${holder(msg)})` : ''}; waiting up to ${lockWaitSeconds()} s for it`);
        told = true;
      }
      await new Promise((res) => setTimeout(res, 250));
    }
  }
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

export interface OpenOptions {
  /** Open read-only: many readers at once, nothing written, works on a read-only file or folder. */
  readOnly?: boolean;
  /** Read-only now, writable after `db.upgrade()` (implies readOnly). */
  upgradable?: boolean;
  mustExist?: boolean;
  /** Memory limit, spill folder, threads (crmq.yaml `database:`; the environment and defaults fill in, settings.ts). */
  settings?: DatabaseSettings;
}

/** The catalog name DuckDB gives a database file (its name without extension), for attaching it the same way. */
const catalogOf = (full: string) => {
  const stem = basename(full).replace(/\.[^.]*$/, '') || 'crmq';
  return ['memory', 'system', 'temp', 'main'].includes(stem.toLowerCase()) ? `${stem}_db` : stem;
};

/** A database file up to this size is read on one thread unless the threads are set (crmq.yaml, CRMQ_THREADS). */
export const SMALL_DB_BYTES = 16 * 2 ** 20;

/**
 * A read-only open (a report, `crmq sql`) of a small database file runs on one thread: at a few thousand rows there is
 * nothing to split, and each extra thread adds its own hash tables to every aggregate and join (on the demo database,
 * `crmq report manager-ranking` used about a quarter less CPU). Only when nothing chose the threads, and not for a file
 * that will be written (upgradable): an import makes it big.
 */
function readOnlyOneThread(full: string, opts: OpenOptions, options: Record<string, string>): boolean {
  if (!opts.readOnly || opts.upgradable || options.threads || full === ':memory:') return false;
  try {
    return statSync(full).size <= SMALL_DB_BYTES;
  } catch {
    return false;
  }
}

/**
 * A new database file starts as a copy of CRMQ_EMPTY_DB when that is set: an empty database of the current schema
 * that the test suite builds once a run (test/global-setup.ts), where some 300 databases are made and running the
 * DDL in each cost ~70 ms CPU. Its schema mark still decides (ensureSchema): a copy of an outdated one gets the DDL.
 * Copied under a temporary name and linked into place, so a file made meanwhile is never overwritten; if anything
 * fails (no such folder, no permission), the open goes on as without it and reports what DuckDB says.
 * Returns the template when the new file is its copy (checked for rows once open: refuseFilledTemplate).
 */
function startFromTemplate(full: string): string | undefined {
  const template = process.env.CRMQ_EMPTY_DB;
  if (!template || existsSync(full)) return undefined;
  const part = `${full}.${process.pid}.empty`;
  try {
    copyFileSync(template, part, constants.COPYFILE_EXCL);
    linkSync(part, full);
    return template;
  } catch {
    return undefined; // the DDL makes it instead
  } finally {
    rmSync(part, { force: true });
  }
}

/**
 * A template with rows in it (a stray CRMQ_EMPTY_DB pointing at a real database) would start every new database
 * with someone's data: the copy is removed and the open refused. One catalogue query (row counts DuckDB keeps).
 */
async function refuseFilledTemplate(conn: DuckDBConnection, instance: DuckDBInstance, template: string, full: string): Promise<void> {
  const rows = Number((await conn.runAndReadAll('SELECT coalesce(sum(estimated_size), 0) FROM duckdb_tables() WHERE database_name = current_database()')).getRows()[0][0]);
  if (rows === 0) return;
  conn.closeSync();
  instance.closeSync();
  for (const f of [full, `${full}.wal`]) rmSync(f, { force: true });
  throw new CrmqError(`CRMQ_EMPTY_DB: ${template} holds ${rows} rows, not an empty crmq database (only the test suite sets it): unset it`);
}

/** Opens (or creates) a crmq database file and makes sure the canonical schema exists. */
export async function openDb(path = defaultDbPath(), opts: OpenOptions = {}): Promise<Db> {
  const full = path === ':memory:' ? path : resolve(path);
  if (opts.mustExist && full !== ':memory:' && !existsSync(full)) {
    throw new CrmqError(`${path}: no database here; run \`crmq import\` first or pass --db`);
  }
  const readOnly = !!(opts.readOnly || opts.upgradable) && full !== ':memory:';
  const options = duckdbOptions(full, opts.settings ?? (await projectSettings()));
  if (readOnlyOneThread(full, opts, options)) options.threads = '1';
  const template = !readOnly && full !== ':memory:' ? startFromTemplate(full) : undefined;
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  const catalog = catalogOf(full);
  if (opts.upgradable && readOnly) {
    // An in-memory instance with the file attached: the attachment can later be swapped for a writable one.
    instance = await duckdb.DuckDBInstance.create(':memory:', options);
    conn = await instance.connect();
    await waitingForLock(path, () => conn.run(`ATTACH ${lit(full)} AS ${ident(catalog)} (READ_ONLY)`));
    await conn.run(`USE ${ident(catalog)}`);
  } else {
    instance = await waitingForLock(path, () => duckdb.DuckDBInstance.create(full, readOnly ? { ...options, access_mode: 'READ_ONLY' } : options));
    conn = await instance.connect();
  }
  if (template) await refuseFilledTemplate(conn, instance, template, full);
  const db: Db = {
    path: full,
    conn,
    readOnly,
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
        const io = err instanceof CrmqError ? undefined : ioProblem(err);
        if (io) throw new WriteError(`${path}: cannot write the database: ${io}; nothing was changed`);
        throw err;
      }
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
  if (opts.upgradable && readOnly) {
    db.upgrade = async () => {
      await conn.run('USE memory');
      await conn.run(`DETACH ${ident(catalog)}`);
      await waitingForLock(path, () => conn.run(`ATTACH ${lit(full)} AS ${ident(catalog)}`));
      await conn.run(`USE ${ident(catalog)}`);
      db.readOnly = false;
      await ensureSchema(conn);
    };
  }
  if (!readOnly) {
    try {
      await ensureSchema(conn);
    } catch (err) {
      db.close();
      const io = ioProblem(err);
      if (io) throw new WriteError(`${path}: cannot write the database: ${io}`);
      throw err;
    }
  }
  return db;
}

/**
 * Creates the canonical schema unless this database already has this version of it: the DDL's hash is kept as
 * the comment of the imports table, so opening a current database costs one catalogue query, not the whole DDL
 * (which also rewrote a view, and so the database file, on every open).
 */
async function ensureSchema(conn: DuckDBConnection): Promise<void> {
  const { addedColumnsDdl, schemaDdl } = await import('../model/ddl.js'); // not loaded by read-only commands (crmq sql)
  const ddl = schemaDdl();
  const mark = `crmq schema ${createHash('sha256').update(ddl).digest('hex').slice(0, 16)}`;
  const found = await conn.runAndReadAll(`SELECT comment FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'imports'`);
  if (found.getRows()[0]?.[0] === mark) return;
  await conn.run(ddl);
  // A database made by an older crmq gains the fields added since (identity fields, …): new columns, NULL in old rows.
  const have = (await conn.runAndReadAll(`SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main'`)).getRows().map((r) => String(r[0]));
  const missing = addedColumnsDdl(new Set(have));
  if (missing) await conn.run(missing);
  await conn.run(`COMMENT ON TABLE imports IS '${mark}'`);
}

/** Opens a database, runs fn, and always closes it. */
export async function withDb<T>(path: string | undefined, fn: (db: Db) => Promise<T>, opts?: OpenOptions): Promise<T> {
  const db = await openDb(path ?? defaultDbPath(), opts);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}
