// `crmq dedupe`: duplicate clusters for review, and a merge plan to take back into the CRM.
import ExcelJS from 'exceljs';
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { withDb } from '../db/database.js';
import { findDuplicates } from '../dedupe/dedupe.js';
import { mergePlan } from '../dedupe/merge-plan.js';
import type { DedupeTarget } from '../dedupe/records.js';
import { CrmqError } from '../errors.js';
import { loadConfig } from '../rules/config.js';
import { prepareNormalization } from '../rules/normalize.js';
import { renderCsv } from '../ui/table.js';

export interface DedupeOptions {
  db?: string;
  entity: DedupeTarget;
  export?: string;
  prefer?: string[];
  threshold?: number;
  /** EM rounds learning m from this data (0: the level priors). */
  em?: number;
  config?: string;
}

export async function dedupeCommand(opts: DedupeOptions) {
  if (opts.export && !['.csv', '.xlsx'].includes(extname(opts.export).toLowerCase())) throw new CrmqError(`--export: "${opts.export}" must end in .csv or .xlsx`);
  if (opts.threshold !== undefined && !(opts.threshold >= 0.5 && opts.threshold <= 1)) throw new CrmqError('--threshold: a probability from 0.5 to 1');
  if (opts.em !== undefined && !(Number.isInteger(opts.em) && opts.em >= 0 && opts.em <= 100)) throw new CrmqError('--em: a number of rounds from 0 to 100');
  const config = loadConfig(opts.config);
  return withDb(
    opts.db,
    async (db) => {
      await prepareNormalization(db, { defaultRegion: config.phone_region.default, regions: config.phone_region.sources });
      const run = await findDuplicates(db, opts.entity, opts.threshold ? { threshold: opts.threshold } : {}, opts.em ?? 0);
      let file: string | undefined;
      if (opts.export) {
        const plan = await mergePlan(db, run.clusters, opts.prefer);
        if (extname(opts.export).toLowerCase() === '.csv') writeFileSync(opts.export, renderCsv(plan.survivors));
        else {
          const wb = new ExcelJS.Workbook();
          for (const [name, rows] of [['Survivors', plan.survivors], ['Merges', plan.merges]] as const) {
            const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
            const cols = [...new Set((rows as Record<string, unknown>[]).flatMap((r) => Object.keys(r)))];
            ws.addRow(cols).font = { bold: true };
            for (const r of rows as Record<string, unknown>[]) ws.addRow(cols.map((c) => (Array.isArray(r[c]) ? (r[c] as unknown[]).join('; ') : (r[c] as ExcelJS.CellValue) ?? null)));
          }
          await wb.xlsx.writeFile(opts.export);
        }
        file = opts.export;
      }
      return { ...run, file };
    },
    { mustExist: true },
  );
}
