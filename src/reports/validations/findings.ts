// findings: the coverage of a report leans on the latest `crmq check`; this says when there is none, or when an input
// was imported (or pulled) again after it, so its findings may not describe the rows the report reads.
import { lit } from '../../db/sql.js';
import type { ValidationContext, ValidationResult } from '../validation.js';

export async function findingsCheck(ctx: ValidationContext): Promise<ValidationResult> {
  const [run] = await ctx.db.all<{ runs: number; started: string | null }>(`SELECT count(*) AS runs, strftime(max(started_at), '%Y-%m-%d %H:%M') AS started FROM check_runs`);
  if (!run.runs) {
    return { name: 'findings', status: 'warning', figures: { check_run: null, stale_inputs: null }, message: {
      en: 'no data-quality check has been run: coverage cannot count rows with errors; run `crmq check`',
      ru: 'проверка качества данных не запускалась: покрытие не знает строк с ошибками; выполните `crmq check`',
    } };
  }
  const stale = await ctx.db.all<{ entity: string; imported: string }>(`
    SELECT entity, strftime(max(t), '%Y-%m-%d %H:%M') AS imported FROM (
      SELECT entity, finished_at AS t FROM imports UNION ALL SELECT target, coalesce(finished_at, started_at) FROM pulls)
    WHERE entity IN (${ctx.report.inputs.map((e) => lit(e)).join(', ')})
    GROUP BY entity HAVING max(t) > (SELECT max(started_at) FROM check_runs) ORDER BY entity`);
  const figures = { check_run: run.started, stale_inputs: stale.map((s) => s.entity).join(', ') || null };
  if (!stale.length) {
    return { name: 'findings', status: 'valid', figures, message: { en: `the findings (check of ${run.started} UTC) are newer than every import of the inputs`, ru: `находки (проверка ${run.started} UTC) новее всех загрузок входных данных` } };
  }
  const list = stale.map((s) => `${s.entity} at ${s.imported}`).join(', ');
  const listRu = stale.map((s) => `${s.entity} в ${s.imported}`).join(', ');
  return { name: 'findings', status: 'warning', figures, message: {
    en: `the findings are from the check of ${run.started} UTC, older than the import of ${list} UTC: they may not describe these rows; run \`crmq check\` again`,
    ru: `находки — из проверки ${run.started} UTC, раньше загрузки ${listRu} UTC: они могут не описывать эти строки; запустите \`crmq check\` снова`,
  } };
}
