// Links as three typed columns (left rid, right rid, probability): 16 bytes a link, where an array per link took
// about 90, for the hundreds of thousands of links of a million records.
import type { DuckDBConnection } from '@duckdb/node-api';

export interface Links {
  l: Int32Array;
  r: Int32Array;
  p: Float64Array;
}

/** The links a query returns (columns: left rid, right rid, probability), in its order. */
export async function readLinks(conn: DuckDBConnection, sql: string): Promise<Links> {
  const result = await conn.run(sql);
  const links = { l: new Int32Array(result.rowCount), r: new Int32Array(result.rowCount), p: new Float64Array(result.rowCount) };
  let at = 0;
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    const [l, r, p] = [0, 1, 2].map((i) => chunk.getColumnVector(i));
    for (let i = 0; i < chunk.rowCount; i++, at++) {
      links.l[at] = l.getItem(i) as number;
      links.r[at] = r.getItem(i) as number;
      links.p[at] = p.getItem(i) as number;
    }
  }
  return links;
}

/** The links with a probability of at least `p`, in their order. */
export function linksFrom(links: Links, p: number): Links {
  let n = 0;
  for (const x of links.p) if (x >= p) n++;
  const out = { l: new Int32Array(n), r: new Int32Array(n), p: new Float64Array(n) };
  for (let i = 0, at = 0; i < links.p.length; i++) {
    if (!(links.p[i] >= p)) continue;
    out.l[at] = links.l[i];
    out.r[at] = links.r[i];
    out.p[at++] = links.p[i];
  }
  return out;
}
