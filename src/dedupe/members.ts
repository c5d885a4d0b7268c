// The clusters as the user sees them, read from DuckDB chunk by chunk: dd_member (rid → cluster, score) joined to
// dd_rec for what names each record, and dd_matched (cluster → the fields that agreed) for the explanation.
import type { Db } from '../db/database.js';
import type { DuplicateCluster, Member } from './dedupe.js';

/** One string for each distinct value: entities, sources and explanations repeat over 100,000s of members. */
function interner(): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => seen.get(s) ?? (seen.set(s, s), s);
}

/** The members of every cluster, by cluster (its smallest rid) and rid; a cluster's score is its strongest member's. */
export async function readClusters(db: Db): Promise<DuplicateCluster[]> {
  const hasLabels = (await db.all(`SELECT 1 FROM (DESCRIBE dd_rec) WHERE column_name = 'label'`)).length > 0;
  // A cluster is named by its smallest rid, its first member here: its name and explanation need no second join
  // (and the explanation is read once per cluster, not once per member).
  const result = await db.conn.stream(
    `SELECT m.cluster, m.score, r.id, ${hasLabels ? 'r.entity, r.source, r.source_id, r.label' : "'' AS entity, '' AS source, r.id AS source_id, NULL::VARCHAR AS label"}, x.matched
     FROM dd_member m JOIN dd_rec r USING (rid) LEFT JOIN dd_matched x ON x.cluster = m.rid ORDER BY m.cluster, m.rid`,
  );
  const once = interner();
  const clusters: DuplicateCluster[] = [];
  // The cluster being read: its members are copied into an array of their own number once it is complete (one grown
  // by push keeps room for 16 more, for each of 100,000s of clusters).
  const members: Member[] = [];
  let [current, matchedNow] = [-1, ''];
  const close = () => {
    if (!members.length) return;
    const score = members.reduce((max, m) => Math.max(max, m.score), -Infinity);
    clusters.push({ cluster: `dup:${members[0].id}`, members: members.slice(), score, matched: matchedNow });
    members.length = 0;
  };
  for await (const chunk of result) {
    const [cluster, score, id, entity, source, sourceId, label, matched] = Array.from({ length: 8 }, (_, i) => chunk.getColumnVector(i));
    for (let i = 0; i < chunk.rowCount; i++) {
      if (cluster.getItem(i) !== current) {
        close();
        [current, matchedNow] = [cluster.getItem(i) as number, once((matched.getItem(i) as string | null) ?? '')];
      }
      members.push({
        id: id.getItem(i) as string, entity: once(entity.getItem(i) as string), source: once(source.getItem(i) as string),
        source_id: sourceId.getItem(i) as string, label: label.getItem(i) as string | null, score: score.getItem(i) as number,
      });
    }
  }
  close();
  return clusters;
}
