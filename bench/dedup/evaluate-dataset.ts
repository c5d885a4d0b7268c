// One labelled dataset through the engine (link once, cluster at each profile's threshold), scored against its truth.
import type { Db } from '../../src/db/database.js';
import { thresholdOf, type Profile } from '../../src/dedupe/config.js';
import { configFor, resolveClusters } from '../../src/dedupe/dedupe.js';
import { evaluate, type Quality } from '../../src/dedupe/evaluate.js';
import { linkRecords, type LinkResult } from '../../src/dedupe/link.js';
import { DATASETS, loadDataset } from './datasets.js';

export interface DatasetRun {
  link: LinkResult;
  blockingRecall: number;
  quality: Record<Profile, Quality & { refused: number }>;
}

export async function evaluateDataset(db: Db, name: string, dir: string, opts: { emRounds?: number } = {}): Promise<DatasetRun> {
  const ds = DATASETS.find((d) => d.name === name);
  if (!ds) throw new Error(`no dataset ${name}`);
  await loadDataset(db, ds, dir);
  const cfg = configFor(ds.type);
  // Blocking recall needs the candidate pairs, which linking drops: keep a copy.
  const link = await linkRecords(db, cfg, { emRounds: opts.emRounds, minProbability: Math.min(cfg.threshold, cfg.reviewThreshold), keepPairs: true });
  const [b] = await db.all<{ kept: number; total: number }>(`SELECT
    (SELECT count(*) FROM dd_pairs p JOIN dd_rec ra ON ra.rid = p.l JOIN dd_rec rb ON rb.rid = p.r JOIN dd_truth a ON a.id = ra.id JOIN dd_truth b ON b.id = rb.id WHERE a.cluster = b.cluster) AS kept,
    (SELECT count(*) FROM dd_truth a JOIN dd_truth b ON a.cluster = b.cluster AND a.id < b.id) AS total`);
  const truth = new Map((await db.all<{ id: string; cluster: string }>('SELECT id, cluster FROM dd_truth')).map((x) => [x.id, x.cluster]));
  const idOf = new Map((await db.all<{ rid: number; id: string }>('SELECT rid, id FROM dd_rec')).map((x) => [x.rid, x.id]));
  const quality = {} as DatasetRun['quality'];
  for (const profile of ['precise', 'review'] as Profile[]) {
    const r = await resolveClusters(db, link, thresholdOf(cfg, profile));
    const predicted = new Map<string, string>();
    r.clusterOf.forEach((c, rid) => c && predicted.set(idOf.get(rid)!, String(c)));
    quality[profile] = { ...evaluate(predicted, truth), refused: r.refused };
  }
  return { link, blockingRecall: b.total ? b.kept / b.total : 1, quality };
}
