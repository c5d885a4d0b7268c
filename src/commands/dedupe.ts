// `crmq dedupe`: duplicate clusters for review, a record → cluster export (CSV or Parquet), the model explained,
// and a merge plan to take back into the CRM.
import { Option, type Command } from 'commander';
import type ExcelJS from 'exceljs';
import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { withDb, type Db } from '../db/database.js';
import { defaultMemoryLimit, type DatabaseSettings } from '../db/settings.js';
import { lit } from '../db/sql.js';
import type { Profile } from '../dedupe/config.js';
import { findDuplicates, type DedupeRun } from '../dedupe/dedupe.js';
import { explainRun, type Explanation } from '../dedupe/explain.js';
import { mergePlan } from '../dedupe/merge-plan.js';
import type { CustomField, DedupeTarget } from '../dedupe/records.js';
import { CrmqError } from '../errors.js';
import { loadConfig } from '../rules/config.js';
import { prepareNormalization } from '../rules/normalize.js';
import { progressFor, type Progress } from '../ui/progress.js';
import { renderCsv } from '../ui/table.js';
import { collect, dbOption, formatOption, type Io } from './command.js';

export interface DedupeOptions {
  db?: string;
  entity: DedupeTarget;
  export?: string;
  prefer?: string[];
  profile?: Profile;
  threshold?: number;
  /** EM rounds learning the identifiers' m from this data (0: the level priors). */
  em?: number;
  explain?: boolean;
  /** Where `records` (csv/parquet) go; csv without it is returned for stdout. */
  output?: string;
  format?: 'table' | 'json' | 'csv' | 'parquet';
  config?: string;
  /** DuckDB's memory for this run when neither crmq.yaml nor CRMQ_MEMORY_LIMIT sets one (default DEDUPE_MEMORY_LIMIT). */
  memoryBudget?: string;
  /** A progress display for this database connection (the CLI passes one; it draws only on a terminal). */
  progress?: (db: Db) => Promise<Progress>;
}

export interface ClusterRecord {
  entity: string;
  source: string;
  source_id: string;
  cluster_id: string;
  score: number;
}

export type DedupeResult = DedupeRun & {
  file?: string;
  output?: string;
  records_csv?: ClusterRecord[];
  explanation?: Explanation;
  /** Set when the dedupe's own memory budget was not enough and the run was repeated under a larger one: what to tell the user. */
  budgetRaised?: string;
};

/** Every record in a cluster, by cluster: entity, source, source_id, cluster_id, score (its strongest link there). */
const RECORDS_SQL = `SELECT r.entity, r.source, r.source_id, 'dup:' || c.id AS cluster_id, round(m.score, 6) AS score
  FROM dd_member m JOIN dd_rec r USING (rid) JOIN dd_rec c ON c.rid = m.cluster ORDER BY cluster_id, r.entity, r.source, r.source_id`;

/**
 * DuckDB's memory for a dedupe unless crmq.yaml (`database: memory_limit`) or CRMQ_MEMORY_LIMIT says otherwise: the
 * records and comparison vectors spill to disk beyond it. The process's peak is this budget + Node itself (~140 MB)
 * + the clusters in JS + what the allocator keeps: at a million contacts DuckDB fills 1 GiB twice (the staged records,
 * the comparison table) and the peak was 1.39–1.54 GB; at 768 MiB it is 1.19–1.33 GB for the same CPU time and the same
 * clusters (bench/dedup-results.md). Data that needs more is run again under the database's default limit.
 */
export const DEDUPE_MEMORY_LIMIT = '768MiB';

export async function dedupeCommand(opts: DedupeOptions): Promise<DedupeResult> {
  if (opts.export && !['.csv', '.xlsx'].includes(extname(opts.export).toLowerCase())) throw new CrmqError(`--export: "${opts.export}" must end in .csv or .xlsx`);
  if (opts.threshold !== undefined && !(opts.threshold >= 0.5 && opts.threshold < 1)) throw new CrmqError('--threshold: a probability from 0.5 to below 1');
  if (opts.em !== undefined && !(Number.isInteger(opts.em) && opts.em >= 0 && opts.em <= 100)) throw new CrmqError('--em: a number of rounds from 0 to 100');
  if (opts.format === 'parquet' && !opts.output) throw new CrmqError('--format parquet: name the file with --output <file.parquet>');
  if (opts.output && !['csv', 'parquet'].includes(opts.format ?? '')) throw new CrmqError('--output: only with --format csv or parquet');
  const config = loadConfig(opts.config);
  const custom: CustomField[] = Object.entries(config.dedupe.fields[opts.entity] ?? {}).map(([name, f]) => ({ name, ...f }));
  const attempt = (settings: DatabaseSettings) => withDb(
    opts.db,
    async (db) => {
      const progress = await opts.progress?.(db);
      const run = await (async () => {
        progress?.phase('dedupe: phones to E.164');
        await prepareNormalization(db, { defaultRegion: config.phone_region.default, regions: config.phone_region.sources });
        progress?.phase(`dedupe ${opts.entity}: normalise`);
        return findDuplicates(db, opts.entity, {
          profile: opts.profile, threshold: opts.threshold, emRounds: opts.em, custom,
          onPhase: (done) => progress?.phase(`dedupe ${opts.entity}: ${NEXT_PHASE[done] ?? done}`),
        });
      })().finally(() => progress?.stop());
      const out: DedupeResult = { ...run, explanation: opts.explain ? explainRun(run) : undefined };
      if (opts.format === 'csv' || opts.format === 'parquet') {
        if (opts.output) {
          await db.run(`COPY (${RECORDS_SQL}) TO ${lit(resolve(opts.output))} (FORMAT ${opts.format === 'csv' ? 'csv, HEADER' : 'parquet'})`);
          out.output = opts.output;
        } else out.records_csv = await db.all<ClusterRecord>(RECORDS_SQL);
      }
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
        out.file = opts.export;
      }
      return out;
    },
    { mustExist: true, settings },
  );
  if (config.database.memory_limit !== undefined || process.env.CRMQ_MEMORY_LIMIT !== undefined) return attempt(config.database);
  const budget = opts.memoryBudget ?? DEDUPE_MEMORY_LIMIT;
  try {
    return await attempt({ ...config.database, memory_limit: budget });
  } catch (err) {
    // Data that needs more than the dedupe's own budget: run again with the database's default limit, and say so.
    if (!/Out of Memory/i.test(err instanceof Error ? err.message : String(err))) throw err;
    return { ...(await attempt(config.database)), budgetRaised: `dedupe: DuckDB ran out of memory within the dedupe's ${budget}; ran again under the database's ${defaultMemoryLimit()} (set database: memory_limit in crmq.yaml or CRMQ_MEMORY_LIMIT to choose)` };
  }
}

/** What runs after each phase findDuplicates reports done (the progress line names the running one). */
const NEXT_PHASE: Record<string, string> = { normalise: 'block', blocking: 'compare', comparisons: 'estimate weights', estimation: 'score', scoring: 'cluster', clustering: 'write' };

export function configure(cmd: Command, io: Io): void {
  cmd
    .addOption(new Option('-e, --entity <entity>', 'what to deduplicate; people = contacts and leads together').choices(['contacts', 'leads', 'companies', 'people']).default('contacts'))
    .addOption(new Option('--profile <profile>', 'precise: few false merges (default); review: more candidates for a review queue').choices(['precise', 'review']).default('precise'))
    .option('--explain', 'print the model: λ, m, u and weight per field and level, and why nothing clustered')
    .option('--export <file>', 'write a merge plan: .csv (the survivors, importable with --preset canonical) or .xlsx (survivors and merges)')
    .option('--prefer <sources>', 'source priority for choosing the survivor, comma-separated', collect)
    .option('--threshold <p>', "match probability for a link (default: the profile's)", Number)
    .option('--em <rounds>', "EM rounds learning the identifiers' m from this data (default 4; 0: the level priors)", Number)
    .option('--output <file>', 'with --format csv or parquet: write entity, source, source_id, cluster_id, score of every clustered record here')
    .option('--config <file>', 'project config (default: ./crmq.yaml if present)')
    .addOption(dbOption())
    .addOption(formatOption(['table', 'json', 'csv', 'parquet'], 'table'))
    .action(async (o) => {
      const { dedupeSummary, explainText } = await import('../ui/dedupe-summary.js');
      const r = await dedupeCommand({
        db: o.db, entity: o.entity, export: o.export, prefer: o.prefer, profile: o.profile, threshold: o.threshold, em: o.em, explain: o.explain,
        output: o.output, format: o.format, config: o.config, progress: (db) => progressFor(db.conn),
      });
      if (o.format === 'json') io.stdout(JSON.stringify({ records: r.records, candidate_pairs: r.candidatePairs, profile: r.profile, threshold: r.threshold, reason: r.reason, clusters: r.clusters, explanation: r.explanation }, null, 2) + '\n');
      else if (r.records_csv) io.stdout(renderCsv(r.records_csv as unknown as Record<string, unknown>[], ['entity', 'source', 'source_id', 'cluster_id', 'score']));
      else if (o.format === 'table') io.stdout(dedupeSummary(r, io.columns) + '\n');
      if (r.explanation && o.format !== 'json') (o.format === 'table' ? io.stdout : io.stderr)(explainText(r.explanation) + '\n');
      if (r.budgetRaised) io.stderr(`${r.budgetRaised}\n`);
      if (r.output) io.stderr(`wrote ${r.clusters.reduce((a, c) => a + c.members.length, 0)} records of ${r.clusters.length} clusters to ${r.output}\n`);
      if (r.file) io.stderr(`wrote ${r.file}\n`);
    });
}
