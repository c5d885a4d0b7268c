// Finding duplicate clusters in the database: normalise (records.ts), link (link.ts), cluster (cluster.ts),
// and explain every link by the fields that agreed.
import type { Db } from '../db/database.js';
import { ORGANISATION, PERSON, type EntityConfig } from './config.js';
import { clusterLinks } from './cluster.js';
import { linkRecords, type LinkResult } from './link.js';
import { buildRecords, type DedupeTarget } from './records.js';

export interface Member {
  id: string;
  entity: string;
  source: string;
  source_id: string;
  label: string | null;
}

export interface DuplicateCluster {
  cluster: string;
  members: Member[];
  /** The strongest link of the cluster: probability and the fields that agreed (field=level/top). */
  score: number;
  matched: string;
}

export interface DedupeRun {
  records: number;
  candidatePairs: number;
  clusters: DuplicateCluster[];
  link: LinkResult;
}

export async function findDuplicates(db: Db, target: DedupeTarget, overrides: Partial<EntityConfig> = {}, emIterations = 0): Promise<DedupeRun> {
  const type = await buildRecords(db, target);
  const cfg = { ...(type === 'person' ? PERSON : ORGANISATION), ...overrides };
  const link = await linkRecords(db, cfg, { emIterations });
  // Only records with a link can be in a cluster of two or more: the rest stay in DuckDB.
  const linked = [...new Set(link.links.flatMap(([l, r]) => [l, r]))].sort();
  await db.run('CREATE OR REPLACE TEMP TABLE dd_linked (id VARCHAR)');
  for (let i = 0; i < linked.length; i += 50_000) {
    const app = await db.conn.createAppender('dd_linked', 'main', 'temp'); // the temp table, also on a read-only connection
    for (const id of linked.slice(i, i + 50_000)) {
      app.appendVarchar(id);
      app.endRow();
    }
    app.closeSync();
  }
  const members = await db.all<Member>('SELECT id, entity, source, source_id, label FROM dd_rec SEMI JOIN dd_linked USING (id) ORDER BY id');
  const byId = new Map(members.map((m) => [m.id, m]));
  const assignment = clusterLinks(linked, link.links);
  const groups = new Map<string, Member[]>();
  for (const [id, c] of assignment) {
    const list = groups.get(c);
    if (list) list.push(byId.get(id)!);
    else groups.set(c, [byId.get(id)!]);
  }
  // Which fields agreed on each cluster's strongest link.
  const best = new Map<string, [string, string, number]>();
  for (const l of link.links) {
    const c = assignment.get(l[0])!;
    if (assignment.get(l[1]) === c && (!best.has(c) || best.get(c)![2] < l[2])) best.set(c, l);
  }
  const fields = Object.keys(cfg.fields);
  const explained = new Map<string, string>();
  if (best.size) {
    await db.run(`CREATE OR REPLACE TEMP TABLE dd_best (l VARCHAR, r VARCHAR)`);
    const values = [...best.values()].map(([l, r]) => `('${l.replaceAll("'", "''")}', '${r.replaceAll("'", "''")}')`);
    for (let i = 0; i < values.length; i += 5000) await db.run(`INSERT INTO dd_best VALUES ${values.slice(i, i + 5000).join(', ')}`);
    const rows = await db.all<Record<string, string | number>>(`SELECT g.* FROM dd_gamma g JOIN dd_best b USING (l, r)`);
    for (const row of rows) {
      const agreed = fields.filter((f) => Number(row[`g_${f}`]) > 0).map((f) => `${f} ${Number(row[`g_${f}`]) >= Number(Object.keys(link.model.levels[f]).at(-1)) ? 'exact' : 'similar'}`);
      explained.set(`${row.l}|${row.r}`, agreed.join(', '));
    }
  }
  const clusters: DuplicateCluster[] = [];
  for (const [c, list] of groups) {
    if (list.length < 2) continue;
    const b = best.get(c)!;
    clusters.push({ cluster: `dup:${c}`, members: list.sort((a, x) => a.id.localeCompare(x.id)), score: b ? b[2] : 0, matched: b ? explained.get(`${b[0]}|${b[1]}`) ?? '' : '' });
  }
  clusters.sort((a, b) => b.members.length - a.members.length || a.cluster.localeCompare(b.cluster));
  return { records: link.records, candidatePairs: link.candidatePairs, clusters, link };
}
