// coverage: of the rows of one input the report reads, how many carry error-level findings of the latest `crmq check`
// or are left out, each reason with its count and rule id, every row counted once; their share of the rows and, per
// currency, of the amount (rows of other currencies are the currency check's; whether the findings are current, the
// findings check's).
import { lit } from '../../db/sql.js';
import type { InputScope } from '../report-def.js';
import { fmt, fmtRu, pct, pctRu, type ValidationContext, type ValidationResult } from '../validation.js';
import { nounOf, relationOf } from './scope.js';
import { pluralForm, ROWS_OF_RU } from '../../plural.js';
import { entityName } from '../render/i18n.js';
import { scopeSummary, type ScopeSummary } from './scope-summary.js';

export async function coverage(ctx: ValidationContext, entity: string, scope: InputScope): Promise<ValidationResult> {
  const { db } = ctx;
  const [run] = await db.all<{ runs: number }>('SELECT count(*) AS runs FROM check_runs');
  const groups = await scopeSummary(ctx, entity, scope);
  const add = (k: keyof ScopeSummary) => groups.reduce((a, g) => a + Number(g[k] ?? 0), 0);
  const r = { n: add('n'), flagged: add('flagged'), affected: add('affected') };
  const byCurrency = scope.amount ? groups.map((g) => ({ currency: g.currency, total: g.total, affected: g.affected_amount })) : [];
  const reasons = scope.exclude.map((e, i) => ({ ...e, n: add(`reason_${i}`) }));
  const rules = run.runs && r.flagged
    ? await db.all<{ rule: string; n: number }>(
        `SELECT f.rule, count(DISTINCT (s.source, s.source_id)) AS n FROM (SELECT * FROM ${relationOf(entity)} t WHERE ${scope.where}) s
         JOIN crmq_error_findings f ON f.entity = ${lit(entity)} AND f.source = s.source AND f.source_id = s.source_id
         GROUP BY 1 ORDER BY 2 DESC, 1`)
    : [];

  const share = r.n ? r.affected / r.n : 0;
  const shares = byCurrency.filter((c) => c.total > 0).map((c) => ({ currency: c.currency, share: c.affected / c.total }));
  const worstShare = Math.max(share, ...shares.map((s) => s.share));
  const noun = nounOf(entity, r.n);
  const figures: ValidationResult['figures'] = {
    rows_in_scope: r.n, rows_with_error_findings: r.flagged, rows_left_out: reasons.reduce((a, x) => a + x.n, 0), rows_affected: r.affected,
    share_of_rows: round6(share), share_of_amount: shares.length ? round6(Math.max(...shares.map((s) => s.share))) : null,
  };
  const en: string[] = [];
  const ru: string[] = [];
  if (r.affected === 0) {
    en.push(`none of the ${fmt(r.n)} ${noun} has an error-level finding${run.runs ? '' : ' (no check has run)'} or was left out`);
    ru.push(`ни одна из ${fmtRu(r.n)} ${pluralForm(r.n, 'ru', ROWS_OF_RU)} (${entityName(entity, 'ru')}) не содержит ошибок и не исключена`);
  } else {
    const ruleList = rules.map((x) => `${x.rule} ${fmt(x.n)}`).join(', ');
    const reasonEn = reasons.filter((x) => x.n).map((x) => `${x.en}${x.rule ? ` [${x.rule}]` : ''} ${fmt(x.n)}`).join('; ');
    const reasonRu = reasons.filter((x) => x.n).map((x) => `${x.ru}${x.rule ? ` [${x.rule}]` : ''} ${fmtRu(x.n)}`).join('; ');
    const amountEn = shares.length ? `; of the amount: ${shares.map((s) => `${s.currency ?? '(no currency)'} ${pct(s.share)}`).join(', ')}` : '';
    const amountRu = shares.length ? `; суммы: ${shares.map((s) => `${s.currency ?? '(без валюты)'} ${pctRu(s.share)}`).join(', ')}` : '';
    en.push(`${fmt(r.affected)} of ${fmt(r.n)} ${noun} (${pct(share)}${amountEn}) are in doubt or left out:${r.flagged ? ` ${fmt(r.flagged)} with error findings (${ruleList})` : ''}${r.flagged && reasonEn ? ';' : ''}${reasonEn ? ` left out: ${reasonEn}` : ''}`);
    ru.push(`${fmtRu(r.affected)} из ${fmtRu(r.n)} ${pluralForm(r.n, 'ru', ROWS_OF_RU)} (${entityName(entity, 'ru')}) (${pctRu(share)}${amountRu}) с ошибками или исключены:${r.flagged ? ` ${fmtRu(r.flagged)} с ошибками (${ruleList})` : ''}${r.flagged && reasonRu ? ';' : ''}${reasonRu ? ` исключены: ${reasonRu}` : ''}`);
  }
  const status = r.affected === 0 ? 'valid'
    : worstShare > ctx.report.validations.max_share ? 'invalid' : 'warning';
  return { name: 'coverage', input: entity, status, figures, message: { en: en.join('; '), ru: ru.join('; ') } };
}

/** Shares to 6 decimals: parallel sums of doubles differ in the last bits, and outputs must be byte-identical. */
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
