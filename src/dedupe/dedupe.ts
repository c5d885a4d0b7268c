// Finding duplicate clusters in the database: normalise (records.ts), link (link.ts), check every cluster for
// contradicted pairs and cluster (cluster.ts), and explain every cluster by the fields that agreed, and an empty
// result by why nothing could link.
import type { Db } from '../db/database.js';
import { clusterLinks, components, type Link } from './cluster.js';
import { gammasSelect, TOP } from './comparisons.js';
import { ORGANISATION, PERSON, thresholdOf, type EntityConfig, type Profile } from './config.js';
import { columnsOf, linkRecords, weightSql, type LinkResult } from './link.js';
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

/** Contradicted pairs inside tentative clusters of three or more (comp: record → component, size: component → records). */
async function contradictions(db: Db, link: LinkResult, comp: Map<number, number>, size: Map<number, number>): Promise<[number, number][]> {
  const rows = [...comp].filter(([, c]) => size.get(c)! >= 3);
  if (!rows.length) return [];
  await db.run('CREATE OR REPLACE TEMP TABLE dd_comp (rid INTEGER, comp INTEGER, small BOOLEAN)');
  const app = await db.conn.createAppender('dd_comp', 'main', 'temp');
  for (const [rid, c] of rows) {
    app.appendInteger(rid);
    app.appendInteger(c);
    app.appendBoolean(size.get(c)! <= COHERENCE_ALL_PAIRS);
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

/** "first exact, phone exact, email similar; dob ≠" for one pair's comparison row. */
function describePair(cfg: EntityConfig, row: Record<string, unknown>): string {
  const fields = Object.keys(cfg.fields);
  const agreed = fields.filter((f) => Number(row[`g_${f}`]) > 0).map((f) => `${f} ${Number(row[`g_${f}`]) >= TOP[cfg.fields[f]] ? 'exact' : 'similar'}`);
  const differ = cfg.identifiers.filter((f) => f in cfg.fields && Number(row[`g_${f}`]) === 0).map((f) => `${f} ≠`);
  return [agreed.join(', '), differ.join(', ')].filter(Boolean).join('; ');
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
  /** rid → cluster (its smallest rid), for records in a cluster of two or more. */
  assignment: Map<number, number>;
  refused: number;
}

/**
 * Links at or above the threshold → coherent clusters, with members, scores and explanations. `release`: the
 * comparison table dd_gamma (the largest, about 0.3 GB at a million contacts) is dropped as soon as the clusters are
 * explained, before their members are read into JS, so the two do not add up (kept when nothing clustered: the
 * reason reads it; findDuplicates resolves once, the benchmark once per profile).
 */
export async function resolveClusters(db: Db, link: LinkResult, threshold: number, opts: { release?: boolean } = {}): Promise<Resolved> {
  const links = link.links.filter((l) => l[2] >= threshold);
  const comp = components(links);
  const compSize = new Map<number, number>();
  for (const c of comp.values()) compSize.set(c, (compSize.get(c) ?? 0) + 1);
  const cannot = await contradictions(db, link, comp, compSize);
  // A tentative cluster of two records is one link, with nothing to contradict or cut: it stays as it is (most
  // clusters). Only the links of larger ones go through clusterLinks.
  const larger = links.filter((l) => compSize.get(comp.get(l[0])!)! >= 3);
  const all = clusterLinks(larger, { cannotLink: cannot });
  for (const [l, r] of links) if (compSize.get(comp.get(l)!) === 2) all.set(l, l < r ? l : r).set(r, l < r ? l : r);
  // Refused: links between records that ended in different clusters.
  const refused = links.filter(([l, r]) => all.get(l) !== all.get(r)).length;
  const size = new Map<number, number>();
  for (const c of all.values()) size.set(c, (size.get(c) ?? 0) + 1);
  const assignment = new Map([...all].filter(([, c]) => size.get(c)! >= 2));
  const best = new Map<number, Link>();
  const recordScore = new Map<number, number>();
  for (const l of links) {
    const c = assignment.get(l[0]);
    if (c === undefined || assignment.get(l[1]) !== c) continue;
    if (!best.has(c) || best.get(c)![2] < l[2]) best.set(c, l);
    for (const id of [l[0], l[1]]) recordScore.set(id, Math.max(recordScore.get(id) ?? 0, l[2]));
  }
  // Members and explanations come from DuckDB for the clustered records only.
  await db.run('CREATE OR REPLACE TEMP TABLE dd_member (rid INTEGER, cluster INTEGER, score DOUBLE)');
  const app = await db.conn.createAppender('dd_member', 'main', 'temp');
  for (const [rid, c] of assignment) {
    app.appendInteger(rid);
    app.appendInteger(c);
    app.appendDouble(recordScore.get(rid) ?? 0);
    app.endRow();
  }
  app.closeSync();
  await db.run('CREATE OR REPLACE TEMP TABLE dd_best (l INTEGER, r INTEGER)');
  const bestApp = await db.conn.createAppender('dd_best', 'main', 'temp');
  for (const [l, r] of best.values()) {
    bestApp.appendInteger(l);
    bestApp.appendInteger(r);
    bestApp.endRow();
  }
  bestApp.closeSync();
  const explained = new Map<number, string>();
  // (read by DuckDB's own JS conversion: hundreds of thousands of rows at a million records)
  for (const row of (await db.conn.runAndReadAll(`SELECT g.* FROM dd_gamma g SEMI JOIN dd_best b ON b.l = g.l AND b.r = g.r`)).getRowObjectsJS()) {
    explained.set(assignment.get(Number(row.l))!, describePair(link.cfg, row));
  }
  if (opts.release && assignment.size) await db.run('DROP TABLE dd_gamma; DROP TABLE IF EXISTS dd_tf');
  const hasLabels = (await db.all(`SELECT 1 FROM (DESCRIBE dd_rec) WHERE column_name = 'label'`)).length > 0;
  // A cluster is named by its smallest rid, its first member here: its name needs no second join.
  const col = columnsOf(await db.conn.runAndReadAll(
    `SELECT m.cluster, m.score, r.id, ${hasLabels ? 'r.entity, r.source, r.source_id, r.label' : "'' AS entity, '' AS source, r.id AS source_id, NULL AS label"}
     FROM dd_member m JOIN dd_rec r USING (rid) ORDER BY m.cluster, m.rid`,
  )) as { cluster: number[]; score: number[]; id: string[]; entity: string[]; source: string[]; source_id: string[]; label: (string | null)[] };
  const clusters: DuplicateCluster[] = [];
  let last: DuplicateCluster | undefined;
  for (let i = 0; i < col.id.length; i++) {
    const member: Member = { id: col.id[i], entity: col.entity[i], source: col.source[i], source_id: col.source_id[i], label: col.label[i], score: col.score[i] };
    if (i > 0 && col.cluster[i] === col.cluster[i - 1]) last!.members.push(member);
    else clusters.push((last = { cluster: `dup:${col.id[i]}`, members: [member], score: best.get(col.cluster[i])?.[2] ?? 0, matched: explained.get(col.cluster[i]) ?? '' }));
  }
  // (one collator: the order of localeCompare, without building one per call for 100,000s of clusters)
  const byName = new Intl.Collator().compare;
  clusters.sort((a, b) => b.members.length - a.members.length || byName(a.cluster, b.cluster));
  return { clusters, assignment, refused };
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
