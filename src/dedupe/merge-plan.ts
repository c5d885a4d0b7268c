// A merge plan per cluster: the survivor (most complete record, then the most recent, then the preferred source)
// and, field by field, the survivor's value or else the best other member's. Written as the survivors in the
// canonical columns (importable back with `crmq import --preset canonical`) plus the list of merges.
import type { Db, Row } from '../db/database.js';
import { lit } from '../db/sql.js';
import { fieldsOf, type EntityName } from '../model/tables.js';
import type { DuplicateCluster } from './dedupe.js';

export interface MergePlan {
  survivors: Row[];
  merges: { cluster: string; entity: string; source: string; source_id: string; survivor_source: string; survivor_id: string; action: 'keep' | 'merge' }[];
}

const SKIP = new Set(['extra']);

export async function mergePlan(db: Db, clusters: DuplicateCluster[], prefer: string[] = []): Promise<MergePlan> {
  const survivors: Row[] = [];
  const merges: MergePlan['merges'] = [];
  for (const c of clusters) {
    const entity = c.members[0].entity as EntityName;
    const fields = Object.keys(fieldsOf(entity)).filter((f) => !SKIP.has(f));
    const rows = await db.all<Row>(
      `SELECT * FROM ${entity} WHERE (source, source_id) IN (${c.members.filter((m) => m.entity === entity).map((m) => `(${lit(m.source)}, ${lit(m.source_id)})`).join(', ')})`,
    );
    const filled = (r: Row) => fields.filter((f) => r[f] !== null && r[f] !== undefined && !(Array.isArray(r[f]) && (r[f] as unknown[]).length === 0)).length;
    const rank = (r: Row) => [
      -filled(r),
      -Date.parse(String(r.updated_at ?? r.created_at ?? '1970-01-01').replace(' ', 'T') + 'Z'),
      prefer.includes(String(r.source)) ? prefer.indexOf(String(r.source)) : prefer.length,
      `${r.source}:${r.source_id}`,
    ];
    const ordered = [...rows].sort((a, b) => {
      const [x, y] = [rank(a), rank(b)];
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
      return 0;
    });
    const keep = ordered[0];
    const merged: Row = { cluster: c.cluster, id: keep.source_id, source: keep.source };
    for (const f of fields) merged[f] = ordered.map((r) => r[f]).find((v) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)) ?? null;
    merged.merged_ids = ordered.slice(1).map((r) => `${r.source}:${r.source_id}`).join('; ');
    survivors.push(merged);
    for (const r of ordered) {
      merges.push({ cluster: c.cluster, entity, source: String(r.source), source_id: String(r.source_id), survivor_source: String(keep.source), survivor_id: String(keep.source_id), action: r === keep ? 'keep' : 'merge' });
    }
  }
  return { survivors, merges };
}

