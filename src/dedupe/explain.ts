// `crmq dedupe --explain`: the model a run used, as data: λ and where it came from, every field's m, u and weight
// per level and where m came from, the fields left out, and why nothing clustered (when nothing did).
import { LEVEL_NAMES } from './comparisons.js';
import type { DedupeRun } from './dedupe.js';

export interface WeightRow {
  field: string;
  level: string;
  m: number;
  u: number;
  /** log2(m / u): what this level adds to a pair's score, in bits. */
  bits: number;
  note: string;
}

export interface Explanation {
  records: number;
  candidatePairs: number;
  profile: string;
  threshold: number;
  /** The threshold in bits (log2 odds). */
  thresholdBits: number;
  lambda: number;
  /** The prior in bits (log2 odds of λ). */
  priorBits: number;
  lambdaFrom: string;
  /** Fields the data leaves empty everywhere. */
  absent: string[];
  weights: WeightRow[];
  clusters: number;
  refused: number;
  reason?: string;
}

const bits = (p: number) => Math.log2(p / (1 - p));

export function explainRun(run: DedupeRun): Explanation {
  const { model, cfg, absent } = run.link;
  const weights: WeightRow[] = [];
  for (const [field, fm] of Object.entries(model.fields)) {
    const names = LEVEL_NAMES[fm.kind];
    const tf = cfg.tf.includes(field) ? `; exact: by the value's frequency` : field === 'email' && cfg.tf.includes('email_user') ? '; same user: by its frequency' : '';
    const strong = cfg.identifiers.includes(field) ? 'identifier; ' : '';
    fm.m.forEach((m, l) => {
      weights.push({ field, level: names[l], m, u: fm.u[l], bits: Math.log2(m / fm.u[l]), note: l === fm.m.length - 1 ? `${strong}m from ${fm.mFrom}${tf}; ${fm.present} records have it` : '' });
    });
  }
  return {
    records: run.records, candidatePairs: run.candidatePairs, profile: run.profile, threshold: run.threshold, thresholdBits: bits(run.threshold),
    lambda: model.lambda, priorBits: model.lambda ? bits(model.lambda) : 0, lambdaFrom: model.lambdaFrom, absent, weights,
    clusters: run.clusters.length, refused: run.refused, reason: run.reason,
  };
}
