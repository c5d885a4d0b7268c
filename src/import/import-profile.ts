// The profile of one import, computed inside its transaction with a few aggregate passes over the rows just loaded
// (never per row in JavaScript): rows, headers, fill per field, min/max of dates and numbers, amounts' median and p95
// per currency, the values of vocabulary fields, and what changed against the previous export of the same source and
// entity by source_id. Drift rules (src/rules/kinds/*-change.ts …), `crmq import`'s "what differs" lines and
// `crmq history` read these tables (src/model/ddl.ts, PROFILE_DDL).
import type { Db } from '../db/database.js';
import { ident, lit, litList } from '../db/sql.js';
import { fieldsOf, type EntityName, type FieldDef } from '../model/tables.js';

/** Fields whose values are a vocabulary: stages, statuses, channels, owners, types. Their values are kept per import. */
export const VOCABULARY_FIELDS = ['stage', 'pipeline', 'status', 'lifecycle_stage', 'channel', 'owner', 'type', 'direction', 'currency', 'forecast_category', 'method', 'category'];
/** Values kept per vocabulary field and import (the most frequent); a field with more is marked by its distinct count. */
export const MAX_VALUES = 500;
/** Hashes kept per header, from a sample of records chosen by source_id (the same records in every export). */
const SKETCH = 64;
/** Records sampled for header sketches and for what changed: one in SAMPLE by the hash of source_id, when there are more than this many. */
const SAMPLE = 32;
const SAMPLE_ALL_UNDER = 20_000;

export interface ProfileInput {
  importId: number;
  source: string;
  entity: EntityName;
  /** A whole export (a file), or a page of an incremental pull (then nothing can be "gone"). */
  complete: boolean;
  /** The staged raw rows (columns `cols`, one per header) and the condition (over alias `s`) that keeps the loaded ones. */
  stage: string;
  cols: string[];
  header: string[];
  kept: string;
  sourceId: string;
  /** Header → canonical field it feeds. */
  mapped: Record<string, string>;
}

const filledExpr = (name: string, f: FieldDef) => (f.type === 'list' ? `count(*) FILTER (WHERE len(${ident(name)}) > 0)` : `count(${ident(name)})`);
const hasRange = (f: FieldDef) => ['timestamp', 'date', 'decimal', 'int'].includes(f.type);

/**
 * Profiles the rows `importId` just loaded. Runs after they are inserted and before the rows they replace are
 * deleted, so the previous version of every record is still there to compare with. Six statements or fewer; a page
 * of a pull (not a whole export, never compared by drift rules) gets only its counts and fill.
 */
export async function profileImport(db: Db, p: ProfileInput): Promise<void> {
  const t0 = performance.now();
  const { importId, entity } = p;
  const defs = Object.entries(fieldsOf(entity));
  const vocab = defs.filter(([n]) => VOCABULARY_FIELDS.includes(n)).map(([n]) => n);
  const mine = `(SELECT * FROM ${entity} WHERE import_id = ${importId})`;

  // What the export is compared with: the source's records as of the previous complete export of the entity (with the
  // pages pulled since); before any complete export, or for a pull page, every record of the source.
  const previous = p.complete
    ? `(SELECT max(import_id) FROM import_profiles WHERE source = ${lit(p.source)} AND entity = ${lit(entity)} AND complete AND import_id < ${importId})`
    : 'NULL';
  const theirs = `(SELECT * FROM ${entity} WHERE source = ${lit(p.source)} AND import_id <> ${importId} AND import_id >= coalesce(${previous}, 0))`;

  // 1. Fields: fill (canonical text is NULL when empty), min/max of dates and numbers, in one scan; the previous
  // complete import, and how many records there are to compare with.
  const [stats] = await db.all<Record<string, unknown>>(`SELECT count(*) AS __rows, ${previous} AS __prev, (SELECT count(*) FROM ${theirs}) AS __theirs,
    ${defs.map(([n, f], i) => `${filledExpr(n, f)} AS f${i}${hasRange(f) ? `, CAST(min(${ident(n)}) AS VARCHAR) AS lo${i}, CAST(max(${ident(n)}) AS VARCHAR) AS hi${i}` : ''}`).join(',\n    ')}
    FROM ${mine}`);
  const rows = Number(stats.__rows);
  const prev = stats.__prev === null ? undefined : Number(stats.__prev);
  const theirsRows = Number(stats.__theirs);

  // 2. Vocabulary values in one scan (a histogram per field): at most MAX_VALUES a field, most frequent first (ties by
  // value), and each field's exact number of distinct values.
  const values: { field: string; value: string; n: number; d: number }[] = [];
  if (p.complete && vocab.length && rows) {
    values.push(...(await db.all<{ field: string; value: string; n: number; d: number }>(`
      WITH h AS (SELECT ${vocab.map((n, i) => `histogram(${ident(n)}) AS h${i}`).join(', ')} FROM ${mine}),
      e AS (${vocab.map((n, i) => `SELECT ${lit(n)} AS field, unnest(map_entries(h${i})) AS e, cardinality(h${i}) AS d FROM h`).join(' UNION ALL ')})
      SELECT field, e.key AS value, e.value AS n, d FROM e WHERE e.key IS NOT NULL
      QUALIFY row_number() OVER (PARTITION BY field ORDER BY e.value DESC, e.key) <= ${MAX_VALUES}`)));
  }
  const distinct = new Map(values.map((v) => [v.field, v.d]));

  // 3. Amounts per currency: median and 95th percentile.
  const money = defs.filter(([, f]) => f.type === 'decimal').map(([n]) => n);
  const currency = defs.some(([n]) => n === 'currency') ? 'currency' : 'NULL';
  if (p.complete && money.length && rows) {
    await db.run(`INSERT INTO import_amounts ${money
      .map((m) => `SELECT ${importId}, ${lit(m)}, ${currency}, count(*), median(${ident(m)}), quantile_cont(${ident(m)}, 0.95) FROM ${mine} WHERE ${ident(m)} IS NOT NULL GROUP BY ALL`)
      .join(' UNION ALL ')}`);
  }

  // 4. Against the records as they were. Which are new, in both, or gone: exact, by source_id alone. What changed in the
  // records in both (any canonical field; per field; the most frequent old → new values of vocabulary fields): every
  // record when both sides are small, else the records of a sample chosen by the hash of source_id, scaled up.
  let matched = 0;
  let changed = 0;
  let sample = 1;
  const changedBy = new Map<string, number>();
  const transitions: { field: string; from: string | null; to: string | null; n: number }[] = [];
  if (theirsRows > 0) {
    [{ n: matched }] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM (SELECT source_id FROM ${mine}) n JOIN (SELECT source_id FROM ${theirs}) o USING (source_id)`);
  }
  if (matched > 0) {
    const sampled = Math.max(rows, theirsRows) > SAMPLE_ALL_UNDER;
    const pick = (x: string) => (sampled ? `(SELECT * FROM ${x} WHERE hash(source_id) % ${SAMPLE} = 0)` : x);
    const diff = (n: string) => `n.${ident(n)} IS DISTINCT FROM o.${ident(n)}`;
    const moves = p.complete ? vocab : [];
    const [c] = await db.all<Record<string, unknown>>(`SELECT count(*) AS __matched, count(*) FILTER (WHERE ${defs.map(([n]) => diff(n)).join(' OR ')}) AS __changed
        ${defs.map(([n], i) => `, count(*) FILTER (WHERE ${diff(n)}) AS c${i}`).join('')}
        ${moves.map((n, i) => `, map_entries(histogram([o.${ident(n)}, n.${ident(n)}]) FILTER (WHERE ${diff(n)})) AS t${i}`).join('')}
      FROM ${pick(mine)} n JOIN ${pick(theirs)} o USING (source_id)`);
    sample = sampled ? Number(c.__matched) / matched : 1;
    const scaled = (x: unknown) => (sample > 0 ? Math.round(Number(x) / sample) : 0);
    changed = Math.min(matched, scaled(c.__changed));
    defs.forEach(([n], i) => changedBy.set(n, Math.min(matched, scaled(c[`c${i}`]))));
    moves.forEach((field, i) => {
      const top = ((c[`t${i}`] ?? []) as { key: (string | null)[]; value: number | string }[])
        .map((e) => ({ field, from: e.key[0], to: e.key[1], n: scaled(e.value) }))
        .sort((a, b) => b.n - a.n || String(a.from ?? '').localeCompare(String(b.from ?? '')) || String(a.to ?? '').localeCompare(String(b.to ?? '')));
      transitions.push(...top.slice(0, 20));
    });
  }

  // 5. Headers: a sketch of each one's values (the smallest hashes of its distinct values) and its fill, over a sample
  // of records chosen by the hash of source_id (the same records in every export, so a renamed column matches the one it
  // replaced by content); every record when the import is small.
  const hs = p.header.map((h, i) => ({ h, c: p.cols[i], i })).filter((x) => !x.h.startsWith('__trailing_'));
  let headers = '';
  if (p.complete && hs.length) {
    const v = (c: string) => `nullif(trim(${ident(c)}), '')`;
    const sampled = rows <= SAMPLE_ALL_UNDER ? p.kept : `${p.kept ? `${p.kept} AND` : 'WHERE'} hash(${p.sourceId}) % ${SAMPLE} = 0`;
    const [k] = await db.all<Record<string, unknown>>(`SELECT count(*) AS __n, ${hs
      .map((x) => `count(${v(x.c)}) AS f${x.i}, CAST(list_slice(list_sort(list_distinct(list(hash(${v(x.c)})) FILTER (WHERE ${v(x.c)} IS NOT NULL))), 1, ${SKETCH}) AS VARCHAR) AS k${x.i}`)
      .join(', ')}
      FROM ${p.stage} s ${sampled}`);
    const n = Number(k.__n);
    // Fill of the sampled records, scaled to the import (exact when every record was read).
    const fill = (i: number) => (n === 0 ? 0 : Math.round((Number(k[`f${i}`]) / n) * rows));
    headers = `INSERT INTO import_headers VALUES ${hs
      .map((x) => `(${importId}, ${x.i + 1}, ${lit(x.h)}, ${lit(p.mapped[x.h] ?? null)}, ${fill(x.i)}, CAST(${lit(k[`k${x.i}`] as string)} AS UBIGINT[]))`)
      .join(', ')};`;
  }

  const updated = defs.findIndex(([n]) => n === 'updated_at');
  const newest = updated < 0 ? null : (stats[`hi${updated}`] as string | null);
  const num = (x: unknown) => (x === undefined || x === null ? 'NULL' : String(Number(x)));
  const valueRows = values.map((v) => `(${importId}, ${lit(v.field)}, ${lit(v.value)}, ${v.n})`);
  const moveRows = transitions.map((t) => `(${importId}, ${lit(t.field)}, ${lit(t.from)}, ${lit(t.to)}, ${t.n})`);
  await db.run(`${headers}${valueRows.length ? `INSERT INTO import_values VALUES ${valueRows.join(', ')};` : ''}
    ${moveRows.length ? `INSERT INTO import_transitions VALUES ${moveRows.join(', ')};` : ''}
    INSERT INTO import_fields VALUES ${defs
      .map(([n, f], i) => `(${importId}, ${lit(n)}, ${num(stats[`f${i}`])}, ${distinct.get(n) ?? (vocab.includes(n) ? 0 : 'NULL')}, ${hasRange(f) ? `${lit(stats[`lo${i}`] as string | null)}, ${lit(stats[`hi${i}`] as string | null)}` : 'NULL, NULL'}, ${changedBy.get(n) ?? 0})`)
      .join(', ')};
    INSERT INTO import_profiles VALUES (${importId}, ${lit(p.source)}, ${lit(entity)}, ${p.complete}, ${prev ?? 'NULL'}, ${rows},
      ${rows - matched}, ${changed}, ${matched - changed}, ${p.complete ? theirsRows - matched : 'NULL'}, ${theirsRows}, ${lit(newest)}, ${sample}, ${(performance.now() - t0) / 1000});`);
}
