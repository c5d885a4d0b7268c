// coverage: how many input rows carry error-level findings or were excluded, and how much of the total they carry.
import { lit } from '../../db/sql.js';
import { fmt, type ValidationContext, type ValidationResult } from '../validation.js';

export async function coverage(
  ctx: ValidationContext,
  spec: { entity: string; where: string; amount?: string; excluded?: string; max_share: number },
): Promise<ValidationResult> {
  const [{ runs }] = await ctx.db.all<{ runs: number }>(`SELECT count(*) AS runs FROM check_runs`);
  const amount = spec.amount ?? '0';
  const flagged = runs
    ? `EXISTS (SELECT 1 FROM latest_findings f WHERE f.severity = 'error' AND f.entity = ${lit(spec.entity)} AND f.source = t.source AND f.source_id = t.source_id)`
    : 'FALSE';
  const excluded = spec.excluded ? `coalesce((${spec.excluded}), FALSE)` : 'FALSE';
  const [r] = await ctx.db.all<{ n: number; flagged: number; excluded: number; total: number | null; affected: number | null }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE ${flagged}) AS flagged, count(*) FILTER (WHERE ${excluded}) AS excluded,
       CAST(sum(abs(coalesce(${amount}, 0))) AS DOUBLE) AS total,
       CAST(sum(abs(coalesce(${amount}, 0))) FILTER (WHERE ${flagged} OR ${excluded}) AS DOUBLE) AS affected
     FROM ${spec.entity} t WHERE ${spec.where}`,
  );
  const affected = r.flagged + r.excluded;
  const share = r.n ? affected / r.n : 0;
  const amountShare = r.total ? (r.affected ?? 0) / r.total : 0;
  const figures = { rows_in_scope: r.n, rows_with_error_findings: r.flagged, rows_excluded: r.excluded, share_of_rows: share, share_of_amount: spec.amount ? amountShare : null };
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const amountText = spec.amount ? `, ${pct(amountShare)} of the amount` : '';
  const amountTextRu = spec.amount ? `, ${pct(amountShare)} суммы` : '';
  if (!runs) {
    return { name: 'coverage', status: 'warning', figures, message: { en: `no data-quality check has been run: run \`crmq check\` to know how many of the ${fmt(r.n)} input rows have errors`, ru: `проверка качества данных не запускалась: выполните \`crmq check\`, чтобы узнать, сколько из ${fmt(r.n)} строк содержат ошибки` } };
  }
  if (affected === 0) {
    return { name: 'coverage', status: 'valid', figures, message: { en: `none of the ${fmt(r.n)} input rows has an error-level finding or was excluded`, ru: `ни одна из ${fmt(r.n)} исходных строк не содержит ошибок и не исключена` } };
  }
  const status = Math.max(share, amountShare) > spec.max_share ? 'invalid' : 'warning';
  return {
    name: 'coverage', status, figures,
    message: {
      en: `${fmt(r.flagged)} of ${fmt(r.n)} input rows have error-level findings${r.excluded ? ` and ${fmt(r.excluded)} were excluded` : ''} (${pct(share)} of rows${amountText})`,
      ru: `${fmt(r.flagged)} из ${fmt(r.n)} исходных строк содержат ошибки${r.excluded ? `, ${fmt(r.excluded)} исключены` : ''} (${pct(share)} строк${amountTextRu})`,
    },
  };
}
