import { withDb, type Row } from '../db/database.js';
import { lit } from '../db/sql.js';

/** The import log: one row per import run. */
export async function importsCommand(opts: { db?: string }): Promise<Row[]> {
  return withDb(opts.db, (db) =>
    db.all(`SELECT import_id, source, entity, regexp_extract(file, '[^/]+$') AS file, preset, encoding, rows_read, rows_loaded, rows_rejected, rows_replaced,
            strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS finished_at FROM imports ORDER BY import_id`),
  { mustExist: true });
}

/** The pull log: one row per entity pulled, with its checkpoint state (running, done, failed, abandoned). */
export async function pullsCommand(opts: { db?: string }): Promise<Row[]> {
  return withDb(opts.db, (db) =>
    db.all(`SELECT pull_id, crm, source, entity, target, status, strftime(since, '%Y-%m-%d %H:%M:%S') AS since, pages, records, rejected, deleted,
            strftime(started_at, '%Y-%m-%d %H:%M:%S') AS started_at, strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS finished_at, error FROM pulls ORDER BY pull_id`),
  { mustExist: true });
}

/** Rejected rows with their line and reason, optionally of one import. */
export async function rejectsCommand(opts: { db?: string; import?: number; limit?: number }): Promise<Row[]> {
  return withDb(opts.db, (db) =>
    db.all(`SELECT import_id, source, entity, regexp_extract(file, '[^/]+$') AS file, line, reason, raw FROM rejects
            ${opts.import ? `WHERE import_id = ${lit(opts.import)}` : ''} ORDER BY import_id, line LIMIT ${opts.limit ?? 100}`),
  { mustExist: true });
}
