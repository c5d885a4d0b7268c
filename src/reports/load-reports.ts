import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { CrmqError } from '../errors.js';
import { ReportYamlSchema, type ReportDef } from './report-def.js';

export const SHIPPED_REPORTS = resolve(fileURLToPath(import.meta.url), '../../../reports');

export function loadReportFile(yamlFile: string): ReportDef {
  const id = basename(yamlFile).replace(/\.ya?ml$/, '');
  const sqlFile = yamlFile.replace(/\.ya?ml$/, '.sql');
  if (!existsSync(sqlFile)) throw new CrmqError(`${yamlFile}: no ${basename(sqlFile)} next to it (a report is <id>.sql + <id>.yaml)`);
  let data: unknown;
  try {
    data = parseYaml(readFileSync(yamlFile, 'utf8'));
  } catch (err) {
    const line = err instanceof YAMLParseError ? err.linePos?.[0]?.line : undefined;
    throw new CrmqError(`${yamlFile}${line ? `:${line}` : ''}: invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = ReportYamlSchema.safeParse(data);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new CrmqError(`${yamlFile}: ${i.path.join('.') || '(top level)'}: ${i.message}`);
  }
  for (const k of parsed.data.key) if (!(k in parsed.data.columns)) throw new CrmqError(`${yamlFile}: key: "${k}" is not one of the columns`);
  const chart = parsed.data.chart;
  for (const c of chart ? [chart.x, chart.y, chart.color].filter(Boolean) : []) {
    if (!(c! in parsed.data.columns)) throw new CrmqError(`${yamlFile}: chart: "${c}" is not one of the columns`);
  }
  return { ...parsed.data, id, sql: readFileSync(sqlFile, 'utf8'), file: yamlFile };
}

export function loadReports(dirs: string[]): ReportDef[] {
  const byId = new Map<string, ReportDef>();
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CrmqError(`${dir}: no such reports folder`);
    for (const f of readdirSync(dir).filter((x) => /\.ya?ml$/.test(x)).sort()) {
      const r = loadReportFile(join(dir, f));
      byId.set(r.id, r);
    }
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}
