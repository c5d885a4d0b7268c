// Finding duplicate clusters in the database: normalise (records.ts), link (link.ts), check every cluster for
// contradicted pairs and cluster (cluster.ts), and explain every cluster by the fields that agreed, and an empty
// result by why nothing could link.
import type { Db } from '../db/database.js';
import { ident, lit } from '../db/sql.js';
import { clusterLinks, componentsOf, type Link } from './cluster.js';
import { gammasSelect, TOP } from './comparisons.js';
import { ORGANISATION, PERSON, thresholdOf, type EntityConfig, type Profile } from './config.js';
import { linkRecords, weightSql, type LinkResult } from './link.js';
import { linksFrom, type Links } from './links.js';
import { readClusters } from './members.js';
import { buildRecords, type CustomField, type DedupeTarget } from './records.js';

export interface Member {
  id: string;
  entity: string;
  source: string;
  source_id: string;
  label: string | null;
  /** The probability of this record's strongest link inside its cluster. */
  score: number;
}

export interface DuplicateCluster {
  cluster: string;
  members: Member[];
  /** The strongest link of the cluster: probability and the fields that agreed (field exact/similar), and identifiers that differ. */
  score: number;
  matched: string;
}

export interface DedupeRun {
  records: number;
  candidatePairs: number;
  profile: Profile;
  threshold: number;
  clusters: DuplicateCluster[];
  /** Links refused because they would have put contradicted records in one cluster. */
  refused: number;
  link: LinkResult;
  /** Why there are no clusters (when there are none). */
  reason?: string;
}

export interface FindOptions {
  profile?: Profile;
  /** A probability instead of the profile's threshold. */
  threshold?: number;
  /** Leave-one-out EM rounds for m (default 4; 0: the level priors). */
  emRounds?: number;
  /** The user's own comparisons (crmq.yaml `dedupe.fields`). */
  custom?: CustomField[];
  onPhase?: (phase: string, ms: number) => void;
}

/** Clusters up to this size are checked pair by pair; larger ones on the candidate pairs inside them. */
const COHERENCE_ALL_PAIRS = 100;

export function configFor(type: 'person' | 'organisation', custom: CustomField[] = []): EntityConfig {
  const base = type === 'person' ? PERSON : ORGANISATION;
  if (!custom.length) return base;
  const x = (f: CustomField) => `x_${f.name}`;
  return {
    ...base,
    fields: { ...base.fields, ...Object.fromEntries(custom.map((f) => [x(f), f.compare])) },
    identifiers: [...base.identifiers, ...custom.filter((f) => f.identifier).map(x)],
    blocking: [...base.blocking, ...custom.filter((f) => f.block).map((f) => [x(f)])],
  };
}

/**
 * A pair is contradicted when its own fields say "different people" with some weight: a Bayes factor of 4:1 or more
 * against (two namesakes at one company with different phones and e-mails). A record that resembles two such
 * records must not glue them into one cluster.
 */
export const CONTRADICTION_BITS = -2;

/** Contradicted pairs inside tentative clusters of three or more (comp: rid → component, size: component → records). */
async function contradictions(db: Db, link: LinkResult, comp: Int32Array, size: Int32Array): Promise<[number, number][]> {
  if (!size.some((n) => n >= 3)) return [];
  await db.run('CREATE OR REPLACE TEMP TABLE dd_comp (rid INTEGER, comp INTEGER, small BOOLEAN)');
  const app = await db.conn.createAppender('dd_comp', 'main', 'temp');
  for (let rid = 1; rid < comp.length; rid++) {
    if (size[comp[rid]] < 3) continue;
    app.appendInteger(rid);
    app.appendInteger(comp[rid]);
    app.appendBoolean(size[comp[rid]] <= COHERENCE_ALL_PAIRS);
    app.endRow();
  }
  app.closeSync();
  await db.run(`CREATE OR REPLACE TEMP TABLE dd_cpairs AS
    SELECT a.rid AS l, b.rid AS r FROM dd_comp a JOIN dd_comp b ON a.comp = b.comp AND a.rid < b.rid WHERE a.small
    UNION SELECT g.l, g.r FROM dd_gamma g JOIN dd_comp a ON a.rid = g.l JOIN dd_comp b ON b.rid = g.r WHERE a.comp = b.comp AND NOT a.small`);
  const bad = await db.all<{ l: number; r: number }>(`SELECT l, r FROM (${gammasSelect(link.cfg, 'dd_cpairs', link.columns, link.tf)}) g WHERE ${weightSql(link.cfg, link.model)} <= ${CONTRADICTION_BITS}`);
  await db.run('DROP TABLE dd_comp; DROP TABLE dd_cpairs');
  return bad.map((x) => [x.l, x.r]);
}

/** "first exact, phone exact, email similar; dob ≠": the fields of one comparison row (g) that agreed, and the identifiers that differ. */
function describeSql(cfg: EntityConfig): string {
  const g = (f: string) => `coalesce(g.${ident(`g_${f}`)}, 0)`;
  const list = (parts: string[]) => (parts.length ? `nullif(concat_ws(', ', ${parts.join(', ')}), '')` : 'NULL');
  const agreed = Object.entries(cfg.fields).map(([f, kind]) => `CASE WHEN ${g(f)} >= ${TOP[kind]} THEN ${lit(`${f} exact`)} WHEN ${g(f)} > 0 THEN ${lit(`${f} similar`)} END`);
  const differ = cfg.identifiers.filter((f) => f in cfg.fields).map((f) => `CASE WHEN ${g(f)} = 0 THEN ${lit(`${f} ≠`)} END`);
  return `concat_ws('; ', ${list(agreed)}, ${list(differ)})`;
}

/** Why a run found nothing, in one line. */
async function whyNoClusters(db: Db, link: LinkResult, threshold: number, refused: number): Promise<string> {
  if (link.records < 2) return `${link.records} record${link.records === 1 ? '' : 's'}: nothing to compare`;
  const fields = Object.keys(link.cfg.fields);
  if (!fields.length) return `no record has a field to compare (${link.absent.join(', ')} are empty everywhere): check the import's mapping`;
  if (!link.candidatePairs) return `no two records share a blocking key (an e-mail, phone, name, name prefix, ID …): nothing was compared`;
  if (refused) return `${refused} links were refused because each would have put contradicted records (different identifiers) in one cluster`;
  const prior = Math.log2(link.model.lambda / (1 - link.model.lambda));
  const [best] = await db.all<Record<string, number>>(`SELECT *, ${weightSql(link.cfg, link.model)} AS bf FROM dd_gamma g ORDER BY bf DESC, l, r LIMIT 1`);
  const p = 1 / (1 + 2 ** -(prior + best.bf));
  const needed = Math.log2(threshold / (1 - threshold));
  const names = link.cfg.swapNames ? fields.every((f) => ['first', 'last', 'city'].includes(f)) : false;
  const hint = names ? '; only names (and a city) to compare: namesakes cannot be told from duplicates, so map a date of birth, e-mail, phone or ID' : '';
  return `the best of ${link.candidatePairs} candidate pairs reaches p = ${p.toPrecision(3)} (prior ${prior.toFixed(1)} bits + fields ${best.bf.toFixed(1)} bits), below ${threshold} (${needed.toFixed(1)} bits)${hint}`;
}

export interface Resolved {
  clusters: DuplicateCluster[];
  /** rid → its cluster (the cluster's smallest rid), 0 for records in no cluster of two or more. */
  clusterOf: Int32Array;
  refused: number;
}

/** How many ids each value of `of` (ids from 1) takes: value → count. */
function countsOf(of: Int32Array): Int32Array {
  const n = new Int32Array(of.length);
  for (let id = 1; id < of.length; id++) if (of[id]) n[of[id]]++;
  return n;
}

/**
 * rid → cluster for every record with a link (0: none). A tentative cluster of two records is one link, with nothing
 * to contradict or cut: it stays as it is (most clusters). Only the links of larger ones go through clusterLinks.
 */
function clustersOf(links: Links, comp: Int32Array, compSize: Int32Array, cannotLink: [number, number][]): Int32Array {
  const out = new Int32Array(comp.length);
  const larger: Link[] = [];
  for (let i = 0; i < links.l.length; i++) {
    const [l, r] = [links.l[i], links.r[i]];
    if (compSize[comp[l]] >= 3) larger.push([l, r, links.p[i]]);
    else out[l] = out[r] = Math.min(l, r);
  }
  for (const [id, c] of clusterLinks(larger, { cannotLink })) out[id] = c;
  return out;
}

/** Each cluster's strongest link (the first of the strongest, by rid: an index into links, -1 for none) and each record's strongest link in its cluster. */
function strongest(links: Links, clusterOf: Int32Array): { best: Int32Array; score: Float64Array } {
  const best = new Int32Array(clusterOf.length).fill(-1);
  const score = new Float64Array(clusterOf.length);
  for (let i = 0; i < links.l.length; i++) {
    const [l, r, p] = [links.l[i], links.r[i], links.p[i]];
    const c = clusterOf[l];
    if (!c || clusterOf[r] !== c) continue;
    if (best[c] < 0 || links.p[best[c]] < p) best[c] = i;
    score[l] = Math.max(score[l], p);
    score[r] = Math.max(score[r], p);
  }
  return { best, score };
}

/** dd_member (rid, cluster, score) for the clustered records; dd_matched (cluster, matched): why each cluster's strongest link is one. */
async function storeClusters(db: Db, link: LinkResult, links: Links, clusterOf: Int32Array): Promise<void> {
  const { best, score } = strongest(links, clusterOf);
  await db.run('CREATE OR REPLACE TEMP TABLE dd_member (rid INTEGER, cluster INTEGER, score DOUBLE)');
  const app = await db.conn.createAppender('dd_member', 'main', 'temp');
  for (let rid = 1; rid < clusterOf.length; rid++) {
    if (!clusterOf[rid]) continue;
    app.appendInteger(rid);
    app.appendInteger(clusterOf[rid]);
    app.appendDouble(score[rid]);
    app.endRow();
  }
  app.closeSync();
  await db.run('CREATE OR REPLACE TEMP TABLE dd_best (cluster INTEGER, l INTEGER, r INTEGER)');
  const bestApp = await db.conn.createAppender('dd_best', 'main', 'temp');
  for (let c = 1; c < best.length; c++) {
    if (best[c] < 0) continue;
    bestApp.appendInteger(c);
    bestApp.appendInteger(links.l[best[c]]);
    bestApp.appendInteger(links.r[best[c]]);
    bestApp.endRow();
  }
  bestApp.closeSync();
  await db.run(`CREATE OR REPLACE TEMP TABLE dd_matched AS SELECT b.cluster, ${describeSql(link.cfg)} AS matched FROM dd_best b JOIN dd_gamma g ON g.l = b.l AND g.r = b.r`);
  await db.run('DROP TABLE dd_best');
}

/**
 * Links at or above the threshold → coherent clusters, with members, scores and explanations. Records are indexed
 * by rid (1 … records) in typed arrays. `release`: the comparison table dd_gamma (the largest, about 0.3 GB at a
 * million contacts) is dropped as soon as the clusters are explained, before their members are read into JS, so the
 * two do not add up (kept when nothing clustered: the reason reads it; findDuplicates resolves once, the benchmark
 * once per profile).
 */
export async function resolveClusters(db: Db, link: LinkResult, threshold: number, opts: { release?: boolean } = {}): Promise<Resolved> {
  const links = linksFrom(link.links, threshold);
  const comp = componentsOf(links, link.records + 1);
  const compSize = countsOf(comp);
  const clusterOf = clustersOf(links, comp, compSize, await contradictions(db, link, comp, compSize));
  // Refused: links between records that ended in different clusters.
  let refused = 0;
  for (let i = 0; i < links.l.length; i++) if (clusterOf[links.l[i]] !== clusterOf[links.r[i]]) refused++;
  const size = countsOf(clusterOf);
  for (let rid = 1; rid < clusterOf.length; rid++) if (size[clusterOf[rid]] < 2) clusterOf[rid] = 0;
  await storeClusters(db, link, links, clusterOf);
  if (opts.release && size.some((n) => n >= 2)) await db.run('DROP TABLE dd_gamma; DROP TABLE IF EXISTS dd_tf');
  const clusters = await readClusters(db);
  await db.run('DROP TABLE dd_matched');
  // (one collator: the order of localeCompare, without building one per call for 100,000s of clusters)
  const byName = new Intl.Collator().compare;
  clusters.sort((a, b) => b.members.length - a.members.length || byName(a.cluster, b.cluster));
  return { clusters, clusterOf, refused };
}

export async function findDuplicates(db: Db, target: DedupeTarget, opts: FindOptions = {}): Promise<DedupeRun> {
  let t = performance.now();
  const type = await buildRecords(db, target, opts.custom ?? []);
  opts.onPhase?.('normalise', performance.now() - t);
  const profile = opts.profile ?? 'precise';
  const cfg = configFor(type, opts.custom);
  const threshold = opts.threshold ?? thresholdOf(cfg, profile);
  const link = await linkRecords(db, cfg, { emRounds: opts.emRounds, minProbability: Math.min(threshold, cfg.reviewThreshold), onPhase: opts.onPhase });
  t = performance.now();
  const { clusters, refused } = await resolveClusters(db, link, threshold, { release: true });
  const reason = clusters.length ? undefined : await whyNoClusters(db, link, threshold, refused);
  opts.onPhase?.('clustering', performance.now() - t);
  return { records: link.records, candidatePairs: link.candidatePairs, profile, threshold, clusters, refused, link, reason };
}
