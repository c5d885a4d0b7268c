import { existsSync, readFileSync } from 'node:fs';
import { loadFolders, readYamlFile } from '../yaml-file.js';
import { basename } from 'node:path';
import { packagePath } from '../paths.js';
import { CrmqError } from '../errors.js';
import { ReportYamlSchema, SUMMABLE_TYPES, sums, type ReportDef, type ReportYaml } from './report-def.js';

export const SHIPPED_REPORTS = packagePath('reports');

export function loadReportFile(yamlFile: string): ReportDef {
  const id = basename(yamlFile).replace(/\.ya?ml$/, '');
  const sqlFile = yamlFile.replace(/\.ya?ml$/, '.sql');
  if (!existsSync(sqlFile)) throw new CrmqError(`${yamlFile}: no ${basename(sqlFile)} next to it (a report is <id>.sql + <id>.yaml)`);
  const data = readYamlFile(yamlFile, ReportYamlSchema, { what: 'report definition' });
  for (const k of data.key) if (!(k in data.columns)) throw new CrmqError(`${yamlFile}: key: "${k}" is not one of the columns`);
  const chart = data.chart;
  for (const c of chart ? [chart.x, chart.y, chart.color].filter(Boolean) : []) {
    if (!(c! in data.columns)) throw new CrmqError(`${yamlFile}: chart: "${c}" is not one of the columns`);
  }
  checkSummability(yamlFile, data);
  return { ...data, id, sql: readFileSync(sqlFile, 'utf8'), file: yamlFile };
}

/** The reports of the folders; with `only`, just those ids. */
export function loadReports(dirs: string[], only?: string[]): ReportDef[] {
  return loadFolders(dirs, 'reports', loadReportFile, only);
}

/** Every number column says whether it sums; money sums only beside a currency column; charts stack only what sums. */
function checkSummability(file: string, data: ReportYaml): void {
  const currency = Object.entries(data.columns).find(([, c]) => c.type === 'currency')?.[0];
  for (const [name, c] of Object.entries(data.columns)) {
    if (SUMMABLE_TYPES.has(c.type) && c.sum === undefined) {
      throw new CrmqError(`${file}: columns.${name}: say whether a Total adds it up: sum: true (counts, money) or sum: false (ratios, averages, orders)`);
    }
    if (c.sum && !SUMMABLE_TYPES.has(c.type)) throw new CrmqError(`${file}: columns.${name}: a ${c.type} column never sums (sum: true is for int, money and number)`);
    if (c.sum && c.type === 'money' && !currency) throw new CrmqError(`${file}: columns.${name}: money sums only per currency: add a currency column or say sum: false`);
    if (c.from && !data.inputs.includes(c.from)) throw new CrmqError(`${file}: columns.${name}: from: "${c.from}" is not one of the inputs`);
  }
  for (const e of Object.keys(data.scope)) if (!data.inputs.includes(e as never)) throw new CrmqError(`${file}: scope: "${e}" is not one of the inputs`);
  for (const b of data.total_by) if (!(b in data.columns)) throw new CrmqError(`${file}: total_by: "${b}" is not one of the columns`);
  if (data.validations.currency.some((c) => c.grouped) && !(currency && data.key.includes(currency))) {
    throw new CrmqError(`${file}: validations.currency: grouped needs a currency column in the key`);
  }
  const chart = data.chart;
  if (chart?.type === 'stacked-bar' && !sums(data.columns[chart.y])) throw new CrmqError(`${file}: chart: a stacked bar adds up "${chart.y}", which does not sum`);
}
