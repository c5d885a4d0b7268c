// `crmq dedupe`: duplicate clusters for review, and a merge plan to take back into the CRM.
import { Option, type Command } from 'commander';
import type ExcelJS from 'exceljs';
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { withDb, type Db } from '../db/database.js';
import { findDuplicates } from '../dedupe/dedupe.js';
import { mergePlan } from '../dedupe/merge-plan.js';
import type { DedupeTarget } from '../dedupe/records.js';
import { CrmqError } from '../errors.js';
import { loadConfig } from '../rules/config.js';
import { prepareNormalization } from '../rules/normalize.js';
import { progressFor, type Progress } from '../ui/progress.js';
import { renderCsv, renderTable } from '../ui/table.js';
import { collect, dbOption, formatOption, type Io } from './command.js';

export interface DedupeOptions {
  db?: string;
  entity: DedupeTarget;
  export?: string;
  prefer?: string[];
  threshold?: number;
  /** EM rounds learning m from this data (0: the level priors). */
  em?: number;
  config?: string;
  /** A progress display for this database connection (the CLI passes one; it draws only on a terminal). */
  progress?: (db: Db) => Promise<Progress>;
}

export async function dedupeCommand(opts: DedupeOptions) {
  if (opts.export && !['.csv', '.xlsx'].includes(extname(opts.export).toLowerCase())) throw new CrmqError(`--export: "${opts.export}" must end in .csv or .xlsx`);
  if (opts.threshold !== undefined && !(opts.threshold >= 0.5 && opts.threshold <= 1)) throw new CrmqError('--threshold: a probability from 0.5 to 1');
  if (opts.em !== undefined && !(Number.isInteger(opts.em) && opts.em >= 0 && opts.em <= 100)) throw new CrmqError('--em: a number of rounds from 0 to 100');
  const config = loadConfig(opts.config);
  return withDb(
    opts.db,
    async (db) => {
      const progress = await opts.progress?.(db);
      const run = await (async () => {
        progress?.phase('dedupe: phones to E.164');
        await prepareNormalization(db, { defaultRegion: config.phone_region.default, regions: config.phone_region.sources });
        progress?.phase(`dedupe ${opts.entity}: normalise, block, score, cluster`);
        return findDuplicates(db, opts.entity, opts.threshold ? { threshold: opts.threshold } : {}, opts.em ?? 0);
      })().finally(() => progress?.stop());
      let file: string | undefined;
      if (opts.export) {
        const plan = await mergePlan(db, run.clusters, opts.prefer);
        if (extname(opts.export).toLowerCase() === '.csv') writeFileSync(opts.export, renderCsv(plan.survivors));
        else {
          const { default: Excel } = await import('exceljs');
          const wb = new Excel.Workbook();
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

export function configure(cmd: Command, io: Io): void {
  cmd
    .addOption(new Option('-e, --entity <entity>', 'what to deduplicate; people = contacts and leads together').choices(['contacts', 'leads', 'companies', 'people']).default('contacts'))
    .option('--export <file>', 'write a merge plan: .csv (the survivors, importable with --preset canonical) or .xlsx (survivors and merges)')
    .option('--prefer <sources>', 'source priority for choosing the survivor, comma-separated', collect)
    .option('--threshold <p>', 'match probability for a link (default per entity type)', Number)
    .option('--em <rounds>', 'learn the m probabilities from this data with EM (default 0: the level priors)', Number)
    .option('--config <file>', 'project config (default: ./crmq.yaml if present)')
    .addOption(dbOption())
    .addOption(formatOption(['table', 'json'], 'table'))
    .action(async (o) => {
      const r = await dedupeCommand({ db: o.db, entity: o.entity, export: o.export, prefer: o.prefer, threshold: o.threshold, em: o.em, config: o.config, progress: (db) => progressFor(db.conn) });
      if (o.format === 'json') io.stdout(JSON.stringify({ records: r.records, candidate_pairs: r.candidatePairs, clusters: r.clusters }, null, 2) + '\n');
      else {
        const rows = r.clusters.flatMap((c) => c.members.map((m, i) => ({ cluster: i === 0 ? c.cluster : '', score: i === 0 ? Number(c.score.toFixed(3)) : null, matched: i === 0 ? c.matched : '', record: `${m.entity} ${m.source}:${m.source_id}`, name: m.label })));
        io.stdout(`${r.records} records, ${r.candidatePairs} candidate pairs, ${r.clusters.length} duplicate clusters\n`);
        if (rows.length) io.stdout(renderTable(rows, undefined, { maxWidth: 60, width: io.columns }) + '\n');
      }
      if (r.file) io.stderr(`wrote ${r.file}\n`);
    });
}
