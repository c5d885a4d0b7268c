// The Fellegi–Sunter parameters, from the data and without labels:
//   u (how often two different records show each level) from random pairs;
//   m (how often two records of one person show it) by expectation–maximisation over the candidate pairs, each field
//     learnt from the other fields' verdict (leave-one-out), so no field can vote itself strong, and where an
//     identifier that is near proof agrees (an e-mail, a phone, an ID), from those pairs only; a field too few
//     likely duplicates show, one the other fields would teach wrong (namesakes), or a degenerate estimate keeps its
//     prior, and the model says so;
//   λ (the share of candidate pairs that are duplicates) from strict rules (Splink's deterministic estimate),
//     blended with the prior.
import type { Db } from '../db/database.js';
import { ident } from '../db/sql.js';
import type { Comparison, EntityConfig } from './config.js';
import { gammasSelect, TOP } from './comparisons.js';

export interface FieldModel {
  kind: Comparison;
  /** Records with a value. */
  present: number;
  /** m and u per level (index = level). */
  m: number[];
  u: number[];
  /** Where m came from: "data" or why the prior was kept. */
  mFrom: string;
}

export interface Model {
  lambda: number;
  /** How λ was decided. */
  lambdaFrom: string;
  fields: Record<string, FieldModel>;
  /** The expected share of duplicates among candidate pairs by the final model (EM's own λ, reported only). */
  emLambda: number;
}

/** What two different records show at each level, before the data speaks (index = level). */
const U_PRIOR: Record<Comparison, number[]> = {
  name: [0.9, 0.05, 0.025, 0.015, 0.01],
  text: [0.92, 0.05, 0.02, 0.01],
  exact: [0.97, 0.02, 0.01],
  date: [0.97, 0.01, 0.015, 0.005],
  email: [0.98, 0.01, 0.005, 0.005],
  address: [0.9, 0.06, 0.03, 0.005, 0.005],
  org: [0.92, 0.05, 0.02, 0.01],
  phone: [0.97, 0.015, 0.01, 0.005],
};
const U_PRIOR_PAIRS = 300;

/** What a true duplicate pair shows at each level (index = level), before the data speaks: mostly exact, sometimes a typo. */
const M_PRIOR: Record<Comparison, number[]> = {
  name: [0.02, 0.03, 0.05, 0.1, 0.8],
  text: [0.05, 0.1, 0.15, 0.7],
  exact: [0.05, 0.1, 0.85],
  date: [0.05, 0.05, 0.1, 0.8],
  email: [0.1, 0.05, 0.05, 0.8],
  address: [0.05, 0.05, 0.1, 0.2, 0.6],
  // Organisations: the same one is often named differently by each source, and lists several phone numbers.
  org: [0.2, 0.1, 0.2, 0.5],
  phone: [0.3, 0.05, 0.05, 0.6],
};
export const uPrior = (kind: Comparison): number[] => U_PRIOR[kind];

/** The share of true duplicates the strict λ rules are assumed to catch (F1 moved by ≤ 0.004 between 0.35 and 0.7). */
const LAMBDA_RULES_RECALL = 0.5;
/** m: the prior counts as this many duplicate pairs; EM rounds; a field needs this many likely duplicates showing it. */
const M_PRIOR_PAIRS = 50;
const EM_ROUNDS = 4;
const MIN_EVIDENCE = 30;
/** EM for a field is unsafe when its likely duplicates outnumber λ's expectation this many times. */
const SAFE_EXCESS = 3;
/** An identifier anchors the learning of other fields when its exact agreement weighs at least this many bits. */
const ANCHOR_BITS = 10;

/** u per field and level from `want` distinct random pairs (almost all non-matches), with a fading prior. */
export async function estimateU(db: Db, cfg: EntityConfig, n: number, columns: Set<string>, want = 200_000): Promise<Record<string, number[]>> {
  const fields = Object.keys(cfg.fields);
  const salts = Math.min(50, Math.max(1, Math.ceil(want / n)));
  const randomPairs = Array.from({ length: salts }, (_, s) =>
    `SELECT ${s} AS salt, k, a.rid AS l, b.rid AS r FROM (SELECT rid, row_number() OVER (ORDER BY hash(rid + ${s * 7919 + 1})) AS k FROM dd_rec) a
     JOIN (SELECT rid, row_number() OVER (ORDER BY hash(rid * 31 + ${s * 104729 + 3})) AS k FROM dd_rec) b USING (k) WHERE a.rid <> b.rid`,
  ).join(' UNION ALL ');
  // Distinct pairs: in a small table the same few pairs would otherwise be drawn again and again, a true duplicate
  // among them counted as if it were many random agreements. The first `want` in the draw's own order (salt, k): a
  // LIMIT alone takes whichever rows the threads deliver first, another sample at each run.
  await db.run(`CREATE OR REPLACE TEMP TABLE dd_random AS SELECT DISTINCT least(l, r) AS l, greatest(l, r) AS r FROM (SELECT l, r FROM (${randomPairs}) ORDER BY salt, k LIMIT ${want})`);
  const counts = await db.all<Record<string, number>>(`SELECT ${fields.map((f) => ident(`g_${f}`)).join(', ')}, count(*) AS n FROM (${gammasSelect({ ...cfg, tf: [] }, 'dd_random', columns)}) GROUP BY ALL ORDER BY ALL`);
  await db.run('DROP TABLE dd_random');
  const u: Record<string, number[]> = {};
  for (const f of fields) {
    const kind = cfg.fields[f];
    const top = TOP[kind];
    const byLevel = new Array<number>(top + 1).fill(0);
    let total = 0;
    for (const row of counts) {
      const g = row[`g_${f}`];
      if (g < 0) continue;
      byLevel[g] += row.n;
      total += row.n;
    }
    // A prior worth up to U_PRIOR_PAIRS random pairs, fading as real pairs accumulate: small tables (a few records)
    // get sane weights, large ones are ruled by their own data; the 0.5 keeps rare levels from an infinite weight.
    const k = U_PRIOR_PAIRS * Math.min(1, 1000 / Math.max(1, total));
    u[f] = byLevel.map((c, l) => (c + k * U_PRIOR[kind][l] + 0.5 / (top + 1)) / (total + k + 0.5));
  }
  return u;
}

/** λ among the candidate pairs: the prior, blended with the strict rules' estimate when they say anything. */
export async function estimateLambda(db: Db, cfg: EntityConfig, n: number, candidatePairs: number, dupesPerRecord?: number): Promise<{ lambda: number; from: string; expected: number }> {
  const prior = Math.min(0.5, Math.max(1e-4, (n * (dupesPerRecord ?? cfg.dupesPerRecord)) / Math.max(1, candidatePairs)));
  const rules = cfg.lambdaRules.filter((rule) => rule.every((f) => f in cfg.fields));
  const expected = prior * candidatePairs;
  if (dupesPerRecord !== undefined) return { lambda: prior, from: `given: ${dupesPerRecord} duplicates per record`, expected };
  if (!rules.length) return { lambda: prior, from: `prior (${cfg.dupesPerRecord} duplicates per record): no strict rule applies to these fields`, expected };
  const strict = rules.map((rule) => `(${rule.map((f) => `${ident(`g_${f}`)} = ${TOP[cfg.fields[f]]}`).join(' AND ')})`).join(' OR ');
  const [{ k }] = await db.all<{ k: number }>(`SELECT count(*) AS k FROM dd_gamma WHERE ${strict}`);
  // Too few strict matches to say anything (a small table, or fields the data lacks): keep the prior.
  if (k < 5) return { lambda: prior, from: `prior (${cfg.dupesPerRecord} duplicates per record): only ${k} pairs meet a strict rule`, expected };
  const fromRules = Math.min(0.5, k / LAMBDA_RULES_RECALL / Math.max(1, candidatePairs));
  return {
    lambda: Math.sqrt(prior * fromRules),
    from: `data: ${k} candidate pairs meet a strict rule (${rules.map((r) => r.join(' + ')).join('; ')}), blended with the prior`,
    expected: fromRules * candidatePairs,
  };
}

const logit = (p: number) => Math.log(p / (1 - p));

/**
 * m per field and level by leave-one-out EM over the distinct comparison patterns of the candidate pairs (λ held):
 * each field's m is the level distribution among the pairs the other fields (and λ) call duplicates.
 */
export function estimateM(
  cfg: EntityConfig,
  patterns: Record<string, number>[],
  u: Record<string, number[]>,
  lambda: number,
  expected: number,
  rounds = EM_ROUNDS,
): { m: Record<string, number[]>; mFrom: Record<string, string>; emLambda: number } {
  const fields = Object.keys(cfg.fields);
  const prior = (f: string) => (cfg.mPrior?.[f] ?? M_PRIOR[cfg.fields[f]]).slice();
  const m: Record<string, number[]> = Object.fromEntries(fields.map((f) => [f, prior(f)]));
  const mFrom: Record<string, string> = Object.fromEntries(fields.map((f) => [f, 'prior']));
  const w = (f: string, g: number) => Math.log(m[f][g] / u[f][g]);
  let emLambda = lambda;
  // An identifier is learnt from the pairs where another identifier agrees exactly (Splink trains m the same way,
  // blocking on one field to learn the others), when there are enough of them: namesakes alike in everything but
  // identifiers cannot then teach it that duplicates differ in it.
  const ids = cfg.identifiers.filter((f) => f in cfg.fields);
  // Only an identifier whose exact agreement is itself near proof (≥ ANCHOR_BITS) anchors: a year of birth shared by
  // thousands does not.
  const anchors = ids.filter((o) => Math.log2(prior(o)[TOP[cfg.fields[o]]] / u[o][TOP[cfg.fields[o]]]) >= ANCHOR_BITS);
  const anchoredBy = (f: string, row: Record<string, number>) => anchors.some((o) => o !== f && row[`g_${o}`] === TOP[cfg.fields[o]]);
  const anchored = new Set(fields.filter((f) => patterns.filter((row) => row[`g_${f}`] >= 0 && anchoredBy(f, row)).reduce((a, row) => a + row.n, 0) >= MIN_EVIDENCE));
  // Learnt: the identifiers (anchored, else leave-one-out), and every other field an anchor exists for.
  const learn = new Set([...ids, ...fields.filter((f) => anchored.has(f))]);
  for (let round = 0; round < rounds; round++) {
    const num: Record<string, number[]> = Object.fromEntries(fields.map((f) => [f, new Array<number>(TOP[cfg.fields[f]] + 1).fill(0)]));
    let pSum = 0;
    let nSum = 0;
    for (const row of patterns) {
      let full = logit(lambda);
      for (const f of fields) if (row[`g_${f}`] >= 0) full += w(f, row[`g_${f}`]);
      pSum += row.n / (1 + Math.exp(-full));
      nSum += row.n;
      for (const f of fields) {
        const g = row[`g_${f}`];
        if (g < 0 || (anchored.has(f) && !anchoredBy(f, row))) continue;
        const p = 1 / (1 + Math.exp(-(full - w(f, g))));
        num[f][g] += row.n * p;
      }
    }
    emLambda = pSum / Math.max(1, nSum);
    for (const f of fields) {
      if (!learn.has(f)) continue;
      const evidence = num[f].reduce((a, b) => a + b, 0);
      const top = TOP[cfg.fields[f]];
      if (evidence < MIN_EVIDENCE) {
        m[f] = prior(f);
        mFrom[f] = `prior: only ${evidence.toFixed(0)} likely duplicates show this field`;
        continue;
      }
      // Unsafe: the other fields call far more pairs duplicates than λ says there are (namesakes alike in all
      // but this field would teach it that duplicates differ in it).
      if (!anchored.has(f) && evidence > SAFE_EXCESS * Math.max(expected, MIN_EVIDENCE)) {
        m[f] = prior(f);
        mFrom[f] = `prior: unsafe to learn (the other fields call ${evidence.toFixed(0)} pairs duplicates, λ expects ${expected.toFixed(0)})`;
        continue;
      }
      const p = prior(f);
      const next = num[f].map((c, l) => Math.max(1e-6, (c + M_PRIOR_PAIRS * p[l]) / (evidence + M_PRIOR_PAIRS)));
      // Degenerate: duplicates would agree exactly no more often than strangers do.
      if (next[top] <= u[f][top]) {
        m[f] = p;
        mFrom[f] = `prior: the estimate was degenerate (exact agreement ${next[top].toFixed(3)} among likely duplicates vs ${u[f][top].toFixed(3)} among random pairs)`;
        continue;
      }
      m[f] = next;
      mFrom[f] = `data: ${evidence.toFixed(0)} likely duplicates${anchored.has(f) ? ` agreeing on ${anchors.filter((o) => o !== f).join(' or ')}` : ''}`;
    }
  }
  return { m, mFrom, emLambda };
}
