// Record linkage in DuckDB, Fellegi–Sunter style (as Splink does): the fields the data has, blocking by a UNION of
// equality joins, comparison levels, u from random pairs, m by leave-one-out EM, λ from strict rules, term-frequency
// adjusted exact matches, a match probability per pair. Input: dd_rec (records.ts). Only the links leave DuckDB.
import type { Db } from '../db/database.js';
import { double, ident } from '../db/sql.js';
import { blockCap, candidatePairs } from './blocking.js';
import { gammasSelect, tfColumns, TOP } from './comparisons.js';
import type { EntityConfig } from './config.js';
import { readLinks, type Links } from './links.js';
import { estimateLambda, estimateM, estimateU, uPrior, type Model } from './estimate.js';

/** A value's share is blended with the exact-match prior as if seen among this many records. */
const TF_PRIOR_RECORDS = 20;

export interface LinkOptions {
  /** Keys shared by more records than this are not joined whole (default: blockCap(n)). */
  maxBlock?: number;
  /** Random pairs drawn to estimate u. */
  uPairs?: number;
  /** Leave-one-out EM rounds for m (0: the level priors). */
  emRounds?: number;
  /** Expected duplicates per record, instead of λ from the data. */
  dupesPerRecord?: number;
  /** Links are kept from this probability on (default: the config's review threshold). */
  minProbability?: number;
  /** Keep dd_pairs (the benchmark measures blocking recall on it). */
  keepPairs?: boolean;
  /** Told the time each phase took (for the benchmark). */
  onPhase?: (phase: string, ms: number) => void;
}

export interface LinkResult {
  records: number;
  candidatePairs: number;
  /** The configuration actually used: fields empty everywhere, and the rules needing them, left out. */
  cfg: EntityConfig;
  /** Fields left out because no record has them. */
  absent: string[];
  /** dd_rec's columns (phone lists, name-derived e-mail users … change how fields compare). */
  columns: Set<string>;
  /** Columns with a term frequency in dd_tf (rid → tf_<column>), for comparing more pairs the same way. */
  tf: string[];
  model: Model;
  /** Pairs at or above minProbability (left rid, right rid, probability), by left and right rid. */
  links: Links;
}

/** Keeps the fields at least two records have, the rules and identifiers over them. */
async function presentConfig(db: Db, cfg: EntityConfig): Promise<{ cfg: EntityConfig; present: Record<string, number>; absent: string[] }> {
  const fields = Object.keys(cfg.fields);
  // (a column empty everywhere is not in dd_rec at all: records.ts drops it)
  const have = new Set((await db.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE dd_rec)`)).map((c) => c.column_name));
  const [counts] = await db.all<Record<string, number>>(`SELECT ${fields.map((f) => `count(${have.has(f) ? ident(f) : 'NULL'}) AS ${ident(f)}`).join(', ')} FROM dd_rec`);
  const keep = fields.filter((f) => counts[f] >= 2);
  const absent = fields.filter((f) => counts[f] < 2);
  const columns = new Set([...keep, ...(keep.includes('first') || keep.includes('last') ? ['name_key'] : []), ...(keep.includes('email') ? ['email_user'] : [])]);
  const uses = (expr: string) => [...expr.matchAll(/[a-z_][a-z0-9_]*/g)].map((x) => x[0]).filter((w) => w in cfg.fields || w === 'name_key' || w === 'email_user');
  return {
    cfg: {
      ...cfg,
      fields: Object.fromEntries(keep.map((f) => [f, cfg.fields[f]])),
      tf: cfg.tf.filter((f) => columns.has(f)),
      identifiers: cfg.identifiers.filter((f) => columns.has(f)),
      blocking: cfg.blocking.filter((rule) => rule.every((part) => uses(part).every((c) => columns.has(c)))),
      lambdaRules: cfg.lambdaRules.filter((rule) => rule.every((f) => columns.has(f))),
      swapNames: cfg.swapNames?.every((f) => columns.has(f)) ? cfg.swapNames : undefined,
    },
    present: counts,
    absent,
  };
}

/**
 * Term frequencies, one table per column (dd_tf_<column>: value → share): a value's share among distinct profiles
 * (the record's other compared fields), blended with the exact-match prior as if seen among TF_PRIOR_RECORDS records.
 * Records repeating a value with everything else the same are copies of one record and count once: "AKZO NOBEL" ×148
 * with nothing else is one rare name, "John Smith" with 40 dates of birth a common one.
 */
async function termFrequencies(db: Db, cfg: EntityConfig): Promise<string[]> {
  const cols = [...new Set(tfColumns(cfg).map(([, col]) => col))];
  for (const c of cols) {
    const others = Object.keys(cfg.fields).filter((f) => f !== c && !(c === 'email_user' && f === 'email'));
    const profile = others.length ? `hash(${others.map(ident).join(', ')})` : '0';
    const prior = TF_PRIOR_RECORDS * uPrior(cfg.fields[c] ?? 'email').at(-1)!;
    await db.run(`CREATE OR REPLACE TEMP TABLE ${ident(`dd_tf_${c}`)} AS SELECT v, CAST((k + ${prior}) / (sum(k) OVER () + ${TF_PRIOR_RECORDS}) AS FLOAT) AS tf FROM (
      SELECT ${ident(c)} AS v, count(DISTINCT ${profile}) AS k FROM dd_rec WHERE ${ident(c)} IS NOT NULL GROUP BY 1)`);
  }
  // One narrow row per record (rid → each column's tf), so comparisons join once, on an integer.
  if (cols.length) {
    await db.run(`CREATE OR REPLACE TEMP TABLE dd_tf AS SELECT r.rid, ${cols.map((c) => `${ident(`t_${c}`)}.tf AS ${ident(`tf_${c}`)}`).join(', ')} FROM dd_rec r
      ${cols.map((c) => `LEFT JOIN ${ident(`dd_tf_${c}`)} ${ident(`t_${c}`)} ON ${ident(`t_${c}`)}.v = r.${ident(c)}`).join(' ')}`);
    for (const c of cols) await db.run(`DROP TABLE ${ident(`dd_tf_${c}`)}`);
  }
  return cols;
}

/** log2 Bayes factor of each field as a SQL sum (no prior): an exact tf field by its value's frequency. */
export function weightSql(cfg: EntityConfig, model: Model, alias = 'g'): string {
  const tfOf = new Map(tfColumns(cfg));
  const terms = Object.entries(cfg.fields).map(([f, kind]) => {
    const { m, u } = model.fields[f];
    const top = TOP[kind];
    const g = `${alias}.${ident(`g_${f}`)}`;
    const byLevel = `CASE ${g} ${m.map((_, l) => `WHEN ${l} THEN ${double(Math.log2(m[l] / u[l]))}`).join(' ')} ELSE 0 END`;
    const col = tfOf.get(f);
    if (!col) return byLevel;
    // An exact match weighs log2(m / tf(value)): agreeing on "Smith" says less than agreeing on "Zyablikov"; the same
    // for an e-mail user name at another domain. The tf is floored at a twentieth of u so one rare value cannot outweigh every other field.
    const level = col === f ? top : 1;
    return `CASE WHEN ${g} = ${level} THEN log2(${double(m[level])} / greatest(coalesce(${alias}.${ident(`tfv_${f}`)}, ${double(u[level])}), ${double(u[level] / 20)})) ELSE ${byLevel} END`;
  });
  return terms.length ? terms.join(' + ') : '0';
}

/**
 * Copies: two records equal on every field both have, an organisation name or a strong identifier among them. In a
 * list with nothing but names ("AKZO NOBEL" ×148) one field cannot outweigh the prior, yet a repeated organisation
 * name with nothing to tell the records apart is one organisation; a person's name alone is never enough.
 */
export function copySql(cfg: EntityConfig, alias = 'g'): string {
  const g = (f: string) => `${alias}.${ident(`g_${f}`)}`;
  const all = Object.entries(cfg.fields).map(([f, kind]) => `${g(f)} IN (-1, ${TOP[kind]})`);
  const strong = [...cfg.identifiers, ...('org_name' in cfg.fields ? ['org_name'] : [])].filter((f) => f in cfg.fields).map((f) => `${g(f)} = ${TOP[cfg.fields[f]]}`);
  return strong.length ? `((${all.join(' AND ')}) AND (${strong.join(' OR ')}))` : 'FALSE';
}

/** A copy scores at least this many bits. */
const COPY_BITS = 20;

/** The log2 match weight of a comparison row: prior + fields, copies at least COPY_BITS. */
export function scoreSql(cfg: EntityConfig, model: Model, alias = 'g'): string {
  const prior = double(Math.log2(model.lambda / (1 - model.lambda)));
  return `CASE WHEN ${copySql(cfg, alias)} THEN greatest(${prior} + ${weightSql(cfg, model, alias)}, ${double(COPY_BITS)}) ELSE ${prior} + ${weightSql(cfg, model, alias)} END`;
}

export async function linkRecords(db: Db, base: EntityConfig, opts: LinkOptions = {}): Promise<LinkResult> {
  let t = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    opts.onPhase?.(name, now - t);
    t = now;
  };
  const [{ n }] = await db.all<{ n: number }>('SELECT count(*) AS n FROM dd_rec');
  const { cfg, present, absent } = await presentConfig(db, base);
  const columns = new Set((await db.all<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE dd_rec)`)).map((c) => c.column_name));
  const fields = Object.keys(cfg.fields);
  const emptyModel: Model = { lambda: 0, lambdaFrom: '', fields: {}, emLambda: 0 };
  if (n < 2 || fields.length === 0) {
    await db.run(`CREATE OR REPLACE TEMP TABLE dd_gamma AS SELECT NULL::INTEGER AS l, NULL::INTEGER AS r WHERE FALSE`);
    return { records: n, candidatePairs: 0, cfg, absent, columns, tf: [], model: emptyModel, links: { l: new Int32Array(0), r: new Int32Array(0), p: new Float64Array(0) } };
  }

  const pairs = await candidatePairs(db, cfg.blocking, opts.maxBlock ?? blockCap(n));
  phase('blocking');
  const tf = await termFrequencies(db, cfg);
  await db.run(`CREATE OR REPLACE TEMP TABLE dd_gamma AS ${gammasSelect(cfg, 'dd_pairs', columns, tf)}`);
  if (!opts.keepPairs) await db.run('DROP TABLE dd_pairs');
  phase('comparisons');

  const u = await estimateU(db, cfg, n, columns, opts.uPairs);
  const { lambda, from: lambdaFrom, expected } = await estimateLambda(db, cfg, n, pairs, opts.dupesPerRecord);
  const patterns = await db.all<Record<string, number>>(`SELECT ${fields.map((f) => ident(`g_${f}`)).join(', ')}, count(*) AS n FROM dd_gamma GROUP BY ALL ORDER BY ALL`);
  const { m, mFrom, emLambda } = estimateM(cfg, patterns, u, lambda, expected, opts.emRounds);
  const model: Model = {
    lambda, lambdaFrom, emLambda,
    fields: Object.fromEntries(fields.map((f) => [f, { kind: cfg.fields[f], present: present[f], m: m[f], u: u[f], mFrom: mFrom[f] }])),
  };
  phase('estimation');

  // Only the links leave DuckDB: weight ≥ log2(t / (1 - t)) is probability ≥ t.
  const minP = opts.minProbability ?? cfg.reviewThreshold;
  const links = await readLinks(db.conn,
    `SELECT l, r, 1 / (1 + pow(2, -weight)) AS p FROM (SELECT g.l, g.r, ${scoreSql(cfg, model)} AS weight FROM dd_gamma g)
     WHERE weight >= ${double(Math.log2(minP / (1 - minP)))} ORDER BY l, r`,
  );
  phase('scoring');
  return { records: n, candidatePairs: pairs, cfg, absent, columns, tf, model, links };
}
