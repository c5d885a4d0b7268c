// The terminal view of `crmq dedupe`: the clusters for review, and (--explain) the model the run used.
import chalk from './chalk.js';
import type { DedupeResult } from '../commands/dedupe.js';
import type { Explanation } from '../dedupe/explain.js';
import { renderTable } from './table.js';

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

export function dedupeSummary(r: DedupeResult, width?: number): string {
  const lines = [`${r.records} records, ${r.candidatePairs} candidate pairs, ${r.clusters.length} duplicate clusters (profile ${r.profile}: p ≥ ${r.threshold})`];
  if (r.reason) lines.push(chalk.yellow(`no clusters: ${r.reason}`));
  const rows = r.clusters.flatMap((c) => c.members.map((m, i) => ({ cluster: i === 0 ? c.cluster : '', score: i === 0 ? Number(c.score.toFixed(3)) : null, matched: i === 0 ? c.matched : '', record: `${m.entity} ${m.source}:${m.source_id}`, name: m.label })));
  if (rows.length) lines.push(renderTable(rows, undefined, { maxWidth: 60, width }));
  return lines.join('\n');
}

export function explainText(e: Explanation): string {
  const lines = [
    chalk.bold(`Model (${e.records} records, ${e.candidatePairs} candidate pairs, profile ${e.profile}: a link needs p ≥ ${e.threshold}, ${signed(e.thresholdBits)} bits)`),
    `λ = ${e.lambda.toPrecision(3)} of candidate pairs are duplicates (prior ${signed(e.priorBits)} bits): ${e.lambdaFrom}`,
  ];
  if (e.absent.length) lines.push(`left out, empty everywhere: ${e.absent.join(', ')}`);
  lines.push(renderTable(e.weights.map((w) => ({ field: w.field, level: w.level, m: Number(w.m.toPrecision(3)), u: Number(w.u.toPrecision(3)), bits: signed(w.bits), note: w.note })), undefined, { maxWidth: 90 }));
  lines.push(`${e.clusters} clusters${e.refused ? `; ${e.refused} links refused (they would have put contradicted records in one cluster)` : ''}`);
  if (e.reason) lines.push(chalk.yellow(`why no clusters: ${e.reason}`));
  return lines.join('\n');
}
