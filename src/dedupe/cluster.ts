// Clusters from links, without chaining and without contradictions:
// 1. links are merged strongest first (Kruskal); a merge is refused when any pair across the two groups is
//    contradicted (the fields themselves say "different people": e.g. two namesakes with different phones and
//    companies, glued by a third record that resembles both);
// 2. in every cluster of three or more, bridges (links whose removal splits it) weaker than `strong` are cut.
// Ids are dense integers (dd_rec.rid); a cluster is named by its smallest member.
import type { Links } from './links.js';

export type Link = [number, number, number];

/** Union–find over the ids below `size` (dense non-negative integers: dd_rec.rid), on an Int32Array: a root is its set's smallest id. */
function unionFind(size: number) {
  const parent = new Int32Array(size);
  for (let i = 0; i < size; i++) parent[i] = i;
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r];
    while (parent[x] !== r) {
      const next = parent[x];
      parent[x] = r;
      x = next;
    }
    return r;
  };
  const union = (a: number, b: number) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  return { find, union };
}

/** The ids of the links, each once, in the order first seen. */
function idsOf(links: Link[]): number[] {
  const ids = new Set<number>();
  for (const [l, r] of links) ids.add(l).add(r);
  return [...ids];
}

const sizeFor = (ids: number[]) => ids.reduce((max, id) => Math.max(max, id), -1) + 1;

/** Connected components of links given as columns, over the ids below `size`: id → its component's smallest id (itself when it has no link). */
export function componentsOf(links: Links, size: number): Int32Array {
  const uf = unionFind(size);
  for (let i = 0; i < links.l.length; i++) uf.union(links.l[i], links.r[i]);
  const comp = new Int32Array(size);
  for (let id = 0; id < size; id++) comp[id] = uf.find(id);
  return comp;
}

/** Bridges of an undirected graph (Tarjan), iterative: indexes into edges. */
function bridges(nodes: number[], edges: Link[]): Set<number> {
  const adj = new Map<number, [number, number][]>(nodes.map((n) => [n, []]));
  edges.forEach(([a, b], i) => {
    adj.get(a)!.push([b, i]);
    adj.get(b)!.push([a, i]);
  });
  const disc = new Map<number, number>();
  const low = new Map<number, number>();
  const out = new Set<number>();
  let time = 0;
  for (const root of nodes) {
    if (disc.has(root)) continue;
    const stack: { v: number; parentEdge: number; i: number }[] = [{ v: root, parentEdge: -1, i: 0 }];
    disc.set(root, time);
    low.set(root, time++);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const list = adj.get(top.v)!;
      if (top.i < list.length) {
        const [w, e] = list[top.i++];
        if (e === top.parentEdge) continue;
        if (disc.has(w)) low.set(top.v, Math.min(low.get(top.v)!, disc.get(w)!));
        else {
          disc.set(w, time);
          low.set(w, time++);
          stack.push({ v: w, parentEdge: e, i: 0 });
        }
      } else {
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent) {
          low.set(parent.v, Math.min(low.get(parent.v)!, low.get(top.v)!));
          if (low.get(top.v)! > disc.get(parent.v)!) out.add(top.parentEdge);
        }
      }
    }
  }
  return out;
}

export interface ClusterOptions {
  /** Pairs that must not end in one cluster. */
  cannotLink?: [number, number][];
  /** Bridges at or above this probability are kept. */
  strong?: number;
}

/** id → cluster id (its smallest member) for every id in a link; ids with no link are left out. */
export function clusterLinks(links: Link[], opts: ClusterOptions = {}): Map<number, number> {
  const ordered = [...links].sort((a, b) => b[2] - a[2] || a[0] - b[0] || a[1] - b[1]);
  const cannot = new Map<number, number[]>();
  const push = <K, V>(m: Map<K, V[]>, k: K, v: V) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (const [a, b] of opts.cannotLink ?? []) {
    push(cannot, a, b);
    push(cannot, b, a);
  }
  const ids = idsOf(links);
  const size = sizeFor(ids);
  const uf = unionFind(size);
  const members = new Map<number, number[]>(ids.map((id) => [id, [id]]));
  const kept: Link[] = [];
  for (const link of ordered) {
    const [ra, rb] = [uf.find(link[0]), uf.find(link[1])];
    if (ra === rb) {
      kept.push(link);
      continue;
    }
    const [small, other] = members.get(ra)!.length <= members.get(rb)!.length ? [ra, rb] : [rb, ra];
    if (members.get(small)!.some((x) => cannot.get(x)?.some((y) => uf.find(y) === other))) continue;
    uf.union(ra, rb);
    const root = uf.find(ra);
    const gone = root === ra ? rb : ra;
    for (const x of members.get(gone)!) members.get(root)!.push(x);
    members.delete(gone);
    kept.push(link);
  }
  // Bridges weaker than `strong` in clusters of three or more are cut.
  const strong = opts.strong ?? 0.99;
  const byCluster = new Map<number, Link[]>();
  for (const e of kept) {
    const c = uf.find(e[0]);
    push(byCluster, c, e);
  }
  const final: Link[] = [];
  for (const [c, edges] of byCluster) {
    const nodes = members.get(c)!;
    if (nodes.length < 3) {
      final.push(...edges);
      continue;
    }
    const cut = bridges(nodes, edges);
    edges.forEach((e, i) => {
      if (!cut.has(i) || e[2] >= strong) final.push(e);
    });
  }
  // The clusters: components of the links that stay (an id whose links were all cut or refused is its own).
  const joined = unionFind(size);
  for (const [l, r] of final) joined.union(l, r);
  return new Map(ids.map((id) => [id, joined.find(id)]));
}
