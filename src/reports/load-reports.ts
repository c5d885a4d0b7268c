import { existsSync, readFileSync } from 'node:fs';
import { loadFolders, readYamlFile } from '../yaml-file.js';
import { basename } from 'node:path';
import { packagePath } from '../paths.js';
import { CrmqError } from '../errors.js';
import { ReportYamlSchema, type ReportDef } from './report-def.js';

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
  return { ...data, id, sql: readFileSync(sqlFile, 'utf8'), file: yamlFile };
}

/** The reports of the folders; with `only`, just those ids. */
export function loadReports(dirs: string[], only?: string[]): ReportDef[] {
  return loadFolders(dirs, 'reports', loadReportFile, only);
}
