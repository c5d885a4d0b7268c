// `crmq pull`: lists each entity page by page through its connector and commits as it goes. Fetching runs
// ahead of committing (a few pages queued), so database work overlaps the rate limit's waits; every commit
// loads the queued pages with the same import path as files and moves the checkpoint in the same transaction.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordsCsv } from '../connectors/json-file.js';
import type { Db } from '../db/database.js';
import { fromSqlTimestamp, lit, sqlTimestamp } from '../db/sql.js';
import { CrmqError } from '../errors.js';
import { checkSource, importFile } from '../import/import-file.js';
import { loadMapping } from '../import/mapping.js';
import type { EntityName } from '../model/tables.js';
import type { Connector, Cursor, Page, PulledRecord, Session } from './connector.js';
import { CONNECTOR_IDS, connectorFor } from './connectors/index.js';
import { createHttp, type Http, type HttpStats } from './http.js';
import { redact } from './secrets.js';
import { makeTempDir } from '../temp-dir.js';
import { createThrottle, type Throttle } from './throttle.js';

export interface PullOptions {
  crm: string;
  source: string;
  /** CRM entity names (default: the connector's defaults). */
  entities?: string[];
  /** Only records changed since then (default: since the last successful pull, minus OVERLAP_MS). */
  since?: Date;
  /** Ignore earlier pulls: read everything. */
  full?: boolean;
  /** Continue each entity's unfinished pull from its checkpoint. */
  resume?: boolean;
  /** Also write every page's raw JSON here. */
  saveRaw?: string;
  /**
   * Mapping files (docs/import.md), each applied to the pulled entity whose table it names (`entity:`), on top of the
   * CRM's preset: promotes custom fields (by API name or label) to canonical columns.
   */
  mappings?: string[];
  baseUrl?: string;
  /** Requests per second (default: the CRM's documented rate). */
  rate?: number;
  timeoutMs?: number;
  retries?: number;
  maxWaitMs?: number;
  backoffMs?: number;
  env?: NodeJS.ProcessEnv;
  onEvent?: (e: PullEvent) => void;
}

export type PullEvent =
  | { type: 'start'; entity: string; mode: PullMode; since?: string; fromPage: number }
  | { type: 'commit'; entity: string; pages: number; records: number }
  | { type: 'wait'; entity: string; ms: number; why: string };

export type PullMode = 'full' | 'incremental' | 'resumed';

export interface EntityPull extends HttpStats {
  entity: string;
  table: EntityName;
  pullId: number;
  mode: PullMode;
  since?: string;
  pages: number;
  /** Records received in this run (a record sent twice counts once per page it came on). */
  records: number;
  loaded: number;
  rejected: number;
  deleted: number;
  commits: number;
  /** Time spent loading pages into the database (ms); it overlaps the waits for the next pages. */
  commitMs: number;
  elapsedMs: number;
}

/** Incremental pulls start this long before the last successful pull began, for clock skew between crmq and the CRM. */
export const OVERLAP_MS = 5 * 60_000;
/** Pages fetched ahead of the commit. */
const QUEUE = 4;
/** The checkpoint after the last page: the listing is complete (what may remain is the deletion listing). */
const END_KEY = 'listed_all';
const END: Cursor = { [END_KEY]: true };

interface PullRow {
  pull_id: number;
  status: string;
  since: string | null;
  cursor: string | null;
  pages: number;
  started_at: string;
}


export async function pull(db: Db, opts: PullOptions): Promise<EntityPull[]> {
  const connector = connectorFor(opts.crm);
  if (!connector) throw new CrmqError(`unknown CRM "${opts.crm}" (one of ${CONNECTOR_IDS.join(', ')}, kommo)`);
  checkSource(opts.source);
  const entities = opts.entities?.length ? opts.entities : connector.defaultEntities;
  const known = Object.keys(connector.entities);
  for (const e of entities) {
    if (!known.includes(e)) throw new CrmqError(`--entities: ${connector.label} has no entity "${e}" here (one of ${known.join(', ')})`);
  }
  if (opts.since && opts.full) throw new CrmqError('--since and --full contradict each other: pass one');
  if (opts.since && opts.resume) throw new CrmqError('--since and --resume contradict each other: a resumed pull keeps its own start time');
  const mappings = mappingsFor(opts.mappings ?? [], entities.map((e) => connector.entities[e]));
  const session = connector.open(opts.env ?? process.env, opts.baseUrl);
  if (opts.saveRaw) mkdirSync(opts.saveRaw, { recursive: true });
  // One pace for the whole run: the next entity's first request keeps its distance from the last one's.
  const throttle = createThrottle(opts.rate ?? connector.rate);
  const results: EntityPull[] = [];
  for (const entity of entities) results.push(await pullEntity(db, connector, session, entity, { ...opts, mapping: mappings.get(connector.entities[entity]) }, throttle));
  return results;
}

/** Each mapping file by the table it names; a file must name one of the pulled entities' tables, and one file per table. */
function mappingsFor(files: string[], tables: EntityName[]): Map<EntityName, string> {
  const out = new Map<EntityName, string>();
  for (const file of files) {
    const m = loadMapping(file);
    if (!m.entity) throw new CrmqError(`--mapping ${file}: say which table it maps (entity: contacts); a pull loads several`);
    if (!tables.includes(m.entity)) throw new CrmqError(`--mapping ${file}: entity ${m.entity} is not among the tables this pull loads (${[...new Set(tables)].join(', ')})`);
    if (out.has(m.entity)) throw new CrmqError(`--mapping ${file}: ${out.get(m.entity)} already maps ${m.entity}; give one file per table`);
    out.set(m.entity, file);
  }
  return out;
}

async function pullEntity(db: Db, connector: Connector, session: Session, entity: string, opts: PullOptions & { mapping?: string }, throttle: Throttle): Promise<EntityPull> {
  const t0 = performance.now();
  const table = connector.entities[entity];
  const key = `crm = ${lit(connector.id)} AND source = ${lit(opts.source)} AND entity = ${lit(entity)}`;
  const unfinished = (await db.all<PullRow>(`SELECT pull_id, status, since, cursor::VARCHAR AS cursor, pages, started_at FROM pulls WHERE ${key} AND status IN ('running', 'failed') ORDER BY pull_id DESC LIMIT 1`))[0];
  let row: PullRow;
  let mode: PullMode;
  if (opts.resume && unfinished) {
    row = unfinished;
    mode = 'resumed';
    await db.run(`UPDATE pulls SET status = 'running', error = NULL WHERE pull_id = ${row.pull_id}`);
  } else {
    if (unfinished) await db.run(`UPDATE pulls SET status = 'abandoned' WHERE ${key} AND status IN ('running', 'failed')`);
    const last = (await db.all<{ started_at: string }>(`SELECT started_at FROM pulls WHERE ${key} AND status = 'done' ORDER BY pull_id DESC LIMIT 1`))[0];
    const since = opts.full ? undefined : (opts.since ?? (last ? new Date(fromSqlTimestamp(last.started_at).getTime() - OVERLAP_MS) : undefined));
    mode = since ? 'incremental' : 'full';
    const [{ id }] = await db.all<{ id: number }>(`SELECT nextval('pull_id_seq') AS id`);
    const started = sqlTimestamp(new Date());
    await db.run(`INSERT INTO pulls (pull_id, crm, source, entity, target, status, since, started_at)
      VALUES (${id}, ${lit(connector.id)}, ${lit(opts.source)}, ${lit(entity)}, ${lit(table)}, 'running', ${since ? lit(sqlTimestamp(since)) : 'NULL'}, ${lit(started)})`);
    row = { pull_id: id, status: 'running', since: since ? sqlTimestamp(since) : null, cursor: null, pages: 0, started_at: started };
  }
  const since = row.since ? fromSqlTimestamp(row.since) : undefined;
  const emit = opts.onEvent ?? (() => {});
  emit({ type: 'start', entity, mode, since: since?.toISOString(), fromPage: row.pages + 1 });

  const http = pullHttp(connector, session, opts, !!since, (ms, why) => emit({ type: 'wait', entity, ms, why }), throttle);
  const out: EntityPull = {
    entity, table, pullId: row.pull_id, mode, since: since?.toISOString(), pages: 0, records: 0, loaded: 0, rejected: 0, deleted: 0, commits: 0, commitMs: 0, elapsedMs: 0,
    ...http.stats,
  };
  const tmpDir = makeTempDir('pull');
  const tmp = tmpDir.path;
  try {
    // Producer: fetch pages into a small queue. Consumer: commit whatever is queued, in order.
    const queue: { page: number; p: Page }[] = [];
    let finished = false;
    /** Set when the committing side failed: the producer fetches nothing more. */
    let stopped = false;
    let failure: unknown;
    let wake: () => void = () => {};
    let drained: () => void = () => {};
    const producer = (async () => {
      let cursor: Cursor | undefined = row.cursor ? (JSON.parse(row.cursor) as Cursor) : undefined;
      let page = row.pages + 1;
      try {
        // Every page was committed before the run stopped (in the deletion listing): nothing left to list.
        while (!cursor?.[END_KEY] && !stopped) {
          const p = await session.page(http, { entity, cursor, since, page });
          if (opts.saveRaw && p.body) writeFileSync(join(opts.saveRaw, `${connector.id}-${entity}-${String(page).padStart(5, '0')}.json`), p.body);
          queue.push({ page, p });
          wake();
          if (!p.next) break;
          cursor = p.next;
          page++;
          while (queue.length >= QUEUE && !stopped) await new Promise<void>((r) => (drained = r));
        }
      } catch (err) {
        failure = tooDeep(err) ? new CrmqError(`${connector.label} ${entity}, page ${page}: the answer is nested too deeply to read (no CRM writes that)`) : err;
      } finally {
        finished = true;
        wake();
      }
    })();

    try {
      for (;;) {
        if (!queue.length) {
          if (finished) break;
          await new Promise<void>((r) => (wake = r));
          continue;
        }
        const batch = queue.splice(0);
        drained();
        const c0 = performance.now();
        await commit(db, connector, entity, table, opts.source, row.pull_id, batch, tmp, out, opts.mapping).catch((err) => {
          const pages = batch.length > 1 ? `pages ${batch[0].page}-${batch[batch.length - 1].page}` : `page ${batch[0].page}`;
          throw tooDeep(err) ? new CrmqError(`${connector.label} ${entity}, ${pages}: a record is nested too deeply to read (no CRM writes that)`) : err;
        });
        out.commitMs += performance.now() - c0;
        emit({ type: 'commit', entity, pages: out.pages, records: out.records });
      }
    } finally {
      stopped = true;
      drained();
      await producer;
    }
    if (failure) throw failure;
    if (session.deleted) {
      const ids = await session.deleted(http, entity, since);
      if (ids.length) {
        await db.transaction(async () => {
          const gone = `source = ${lit(opts.source)} AND source_id IN (SELECT unnest(from_json(${lit(JSON.stringify(ids))}, '["VARCHAR"]')))`;
          const [{ n }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${gone}`);
          await db.run(`DELETE FROM ${table} WHERE ${gone}`);
          await db.run(`UPDATE pulls SET deleted = deleted + ${n} WHERE pull_id = ${row.pull_id}`);
          out.deleted = n;
        });
      }
    }
    await db.run(`UPDATE pulls SET status = 'done', cursor = NULL, finished_at = ${lit(sqlTimestamp(new Date()))} WHERE pull_id = ${row.pull_id}`);
  } catch (err) {
    const message = redact(err instanceof Error ? err.message : String(err));
    await db.run(`UPDATE pulls SET status = 'failed', error = ${lit(message)}, finished_at = ${lit(sqlTimestamp(new Date()))} WHERE pull_id = ${row.pull_id}`).catch(() => {});
    if (err instanceof CrmqError) throw new CrmqError(`${message} (${out.pages} pages committed; continue with --resume)`, err.code);
    throw err;
  } finally {
    tmpDir.remove();
    Object.assign(out, http.stats, { elapsedMs: performance.now() - t0 });
  }
  return out;
}

/**
 * The HTTP client of one entity's pull: the CRM's documented rate unless --rate (an incremental pull's own rate
 * where the CRM has one), spaced on the run's shared throttle, and the options' limits.
 */
export function pullHttp(
  connector: Connector, session: Session, opts: PullOptions, incremental: boolean, onWait?: (ms: number, why: string) => void,
  shared: Throttle = createThrottle(connector.rate),
): Http {
  let refreshing = false;
  const rate = opts.rate ?? (incremental && connector.incrementalRate ? connector.incrementalRate : connector.rate);
  const http: Http = createHttp({
    crm: connector.label,
    throttle: { take: () => shared.take(rate), pause: (ms) => shared.pause(ms) },
    timeoutMs: opts.timeoutMs ?? 30_000,
    maxRetries: opts.retries ?? 6,
    backoffMs: opts.backoffMs ?? 1000,
    backoffMaxMs: 60_000,
    maxWaitMs: opts.maxWaitMs ?? 15 * 60_000,
    classify: session.classify,
    // A refresh whose own request is refused does not refresh again: that 401 is final.
    refreshAuth: session.refresh && (async () => {
      if (refreshing) return;
      refreshing = true;
      try {
        await session.refresh!(http);
      } finally {
        refreshing = false;
      }
    }),
    onWait,
  });
  return http;
}

/** A stack overflow: an answer nested deeper than JSON.stringify or a record's flattening can follow. */
const tooDeep = (err: unknown) => err instanceof RangeError && /call stack/i.test(err.message);

/** Loads a batch of pages as one import and moves the checkpoint past its last page, atomically. */
async function commit(
  db: Db, connector: Connector, entity: string, table: EntityName, source: string, pullId: number,
  batch: { page: number; p: Page }[], tmp: string, out: EntityPull, mapping?: string,
): Promise<void> {
  const last = batch[batch.length - 1];
  // The same record can arrive twice when pages shift under a changing listing: the later copy wins.
  const byId = new Map<string, PulledRecord>();
  for (const { p } of batch) for (const r of p.records) {
    byId.delete(r.id);
    byId.set(r.id, r);
  }
  const received = batch.reduce((n, b) => n + b.p.records.length, 0);
  const watermark = [...byId.values()].reduce<string | undefined>((m, r) => (r.updatedAt && (!m || r.updatedAt > m) ? r.updatedAt : m), undefined);
  const checkpoint = (loaded: number, rejected: number) =>
    `UPDATE pulls SET cursor = ${lit(JSON.stringify(last.p.next ?? END))}, pages = pages + ${batch.length},
       records = records + ${loaded}, rejected = rejected + ${rejected}${watermark ? `, watermark = greatest(coalesce(watermark, ''), ${lit(watermark)})` : ''}
     WHERE pull_id = ${pullId}`;
  if (byId.size === 0) {
    await db.run(checkpoint(0, 0));
  } else {
    const file = recordsCsv([...byId.values()].map((r) => r.data), join(tmp, 'page.csv'), { preset: connector.preset, entity: table });
    const hash = createHash('sha256');
    for (const { p } of batch) hash.update(p.body);
    const pages = batch.length > 1 ? `pages ${batch[0].page}-${last.page}` : `page ${last.page}`;
    const r = await importFile(db, {
      file: `${connector.id}:${entity} ${pages}`, source, preset: connector.preset, entity: table, mapping, maxRejectShare: 1, force: true,
      prepared: { file, sha256: hash.digest('hex') },
      beforeCommit: (res) => db.run(checkpoint(res.rowsLoaded, res.rowsRejected)),
    });
    out.loaded += r.rowsLoaded;
    out.rejected += r.rowsRejected;
  }
  out.pages += batch.length;
  out.records += received;
  out.commits++;
}
