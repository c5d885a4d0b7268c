// What differs between an import and the previous export of the same source and entity, from their profiles:
// the few lines `crmq import` prints (only when something differs) and the pipeline logs.
import type { Db } from '../db/database.js';
import { sketchSimilarity } from './similarity.js';

export interface ImportChanges {
  /** The import compared with. */
  previous: number;
  rows: { before: number; after: number };
  new: number;
  changed: number;
  /** Share of the records in both whose content was compared (1, or a sample of a large export: `changed` is scaled). */
  sample: number;
  gone: number;
  columns: { added: string[]; removed: string[]; renamed: { from: string; to: string; similarity: number }[] };
  /** Fields whose fill rate moved by at least FILL_POINTS percentage points. */
  fill: { field: string; before: number; after: number }[];
  values: { field: string; added: string[]; vanished: string[] }[];
  /** The newest updated_at went back: an older export imported after a newer one. */
  older?: { before: string; after: string };
  differs: boolean;
}

const FILL_POINTS = 5;
const RENAME_SIMILARITY = 0.5;

/** Undefined for an import with nothing to compare with (the first export, or a page of a pull). */
export async function importChanges(db: Db, importId: number): Promise<ImportChanges | undefined> {
  const [p] = await db.all<{ prev: number | null; rows: number; prev_rows: number; rows_new: number; rows_changed: number; rows_gone: number; sample: number; now: string | null; before: string | null }>(`
    SELECT c.prev_import_id AS prev, c.rows, o.rows AS prev_rows, c.rows_new, c.rows_changed, c.rows_gone, c.sample,
      CAST(c.max_updated_at AS VARCHAR) AS now, CAST(o.max_updated_at AS VARCHAR) AS before
    FROM import_profiles c LEFT JOIN import_profiles o ON o.import_id = c.prev_import_id WHERE c.import_id = ${importId}`);
  if (!p || p.prev === null) return undefined;
  const prev = p.prev;
  const headers = await db.all<{ header: string; side: 'added' | 'removed' }>(`
    SELECT header, 'added' AS side FROM import_headers WHERE import_id = ${importId} AND header NOT IN (SELECT header FROM import_headers WHERE import_id = ${prev})
    UNION ALL
    SELECT header, 'removed' FROM import_headers WHERE import_id = ${prev} AND header NOT IN (SELECT header FROM import_headers WHERE import_id = ${importId})
    ORDER BY 2, 1`);
  const renamed = await db.all<{ from: string; to: string; similarity: number }>(`
    SELECT o.header AS "from", n.header AS "to", ${sketchSimilarity('o.sketch', 'n.sketch')} AS similarity
    FROM import_headers o, import_headers n
    WHERE o.import_id = ${prev} AND n.import_id = ${importId}
      AND o.header NOT IN (SELECT header FROM import_headers WHERE import_id = ${importId})
      AND n.header NOT IN (SELECT header FROM import_headers WHERE import_id = ${prev})
      AND ${sketchSimilarity('o.sketch', 'n.sketch')} >= ${RENAME_SIMILARITY}
    QUALIFY row_number() OVER (PARTITION BY o.header ORDER BY similarity DESC, n.header) = 1 AND row_number() OVER (PARTITION BY n.header ORDER BY similarity DESC, o.header) = 1
    ORDER BY 1`);
  const fill = await db.all<{ field: string; before: number; after: number }>(`
    SELECT n.field, round(100.0 * o.filled / nullif(po.rows, 0), 1) AS before, round(100.0 * n.filled / nullif(pn.rows, 0), 1) AS after
    FROM import_fields n JOIN import_fields o ON o.field = n.field AND o.import_id = ${prev} AND n.import_id = ${importId}
    JOIN import_profiles pn ON pn.import_id = n.import_id JOIN import_profiles po ON po.import_id = o.import_id
    WHERE abs(100.0 * n.filled / nullif(pn.rows, 0) - 100.0 * o.filled / nullif(po.rows, 0)) >= ${FILL_POINTS}
    ORDER BY abs(after - before) DESC, n.field`);
  const values = await db.all<{ field: string; value: string; side: 'added' | 'vanished' }>(`
    SELECT field, value, 'added' AS side FROM import_values n WHERE import_id = ${importId}
      AND NOT EXISTS (SELECT 1 FROM import_values o WHERE o.import_id = ${prev} AND o.field = n.field AND o.value = n.value)
    UNION ALL
    SELECT field, value, 'vanished' FROM import_values o WHERE import_id = ${prev}
      AND NOT EXISTS (SELECT 1 FROM import_values n WHERE n.import_id = ${importId} AND n.field = o.field AND n.value = o.value)
      AND EXISTS (SELECT 1 FROM import_values n WHERE n.import_id = ${importId} AND n.field = o.field)
    ORDER BY field, side, value`);
  const byField = new Map<string, { field: string; added: string[]; vanished: string[] }>();
  for (const v of values) {
    const f = byField.get(v.field) ?? { field: v.field, added: [], vanished: [] };
    f[v.side].push(v.value);
    byField.set(v.field, f);
  }
  const renamedFrom = new Set(renamed.map((r) => r.from));
  const renamedTo = new Set(renamed.map((r) => r.to));
  const changes: ImportChanges = {
    previous: prev,
    rows: { before: p.prev_rows, after: p.rows },
    new: p.rows_new,
    changed: p.rows_changed,
    sample: p.sample,
    gone: p.rows_gone,
    columns: {
      added: headers.filter((h) => h.side === 'added' && !renamedTo.has(h.header)).map((h) => h.header),
      removed: headers.filter((h) => h.side === 'removed' && !renamedFrom.has(h.header)).map((h) => h.header),
      renamed: renamed.map((r) => ({ ...r, similarity: Math.round(r.similarity * 100) / 100 })),
    },
    fill,
    values: [...byField.values()],
    older: p.now !== null && p.before !== null && p.now < p.before ? { before: p.before, after: p.now } : undefined,
    differs: false,
  };
  changes.differs =
    p.rows !== p.prev_rows || p.rows_new + p.rows_changed + p.rows_gone > 0 || headers.length > 0 || fill.length > 0 || values.length > 0 || !!changes.older;
  return changes;
}
