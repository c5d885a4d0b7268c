// Clusters from links, without chaining: connected components, then in every cluster of three or more the
// bridges (links whose removal splits the cluster) weaker than `strong` are cut, and components recomputed.
// One doubtful link can no longer glue two groups together.

function components(nodes: string[], edges: [string, string, number][]): Map<string, string> {
  const parent = new Map(nodes.map((n) => [n, n]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    for (let y = x; parent.get(y) !== r; ) {
      const next = parent.get(y)!;
      parent.set(y, r);
      y = next;
    }
    return r;
  };
  for (const [a, b] of edges) {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const out = new Map<string, string>();
  for (const n of nodes) out.set(n, find(n));
  return out;
}

/** Bridges of an undirected graph (Tarjan), iterative. */
function bridges(nodes: string[], edges: [string, string, number][]): Set<number> {
  const adj = new Map<string, [string, number][]>(nodes.map((n) => [n, []]));
  edges.forEach(([a, b], i) => {
    adj.get(a)!.push([b, i]);
    adj.get(b)!.push([a, i]);
  });
  const disc = new Map<string, number>();
  const low = new Map<string, number>();
  const out = new Set<number>();
  let time = 0;
  for (const root of nodes) {
    if (disc.has(root)) continue;
    const stack: { v: string; parentEdge: number; i: number }[] = [{ v: root, parentEdge: -1, i: 0 }];
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

/** id → cluster id (the smallest member id). Ids with no link are their own cluster. */
export function clusterLinks(ids: string[], links: [string, string, number][], strong = 0.99): Map<string, string> {
  const first = components(ids, links);
  const members = new Map<string, string[]>();
  for (const [id, c] of first) {
    const list = members.get(c);
    if (list) list.push(id);
    else members.set(c, [id]);
  }
  const kept: [string, string, number][] = [];
  const byCluster = new Map<string, [string, string, number][]>();
  for (const e of links) {
    const c = first.get(e[0])!;
    const list = byCluster.get(c);
    if (list) list.push(e);
    else byCluster.set(c, [e]);
  }
  for (const [c, edges] of byCluster) {
    if (members.get(c)!.length < 3) {
      kept.push(...edges);
      continue;
    }
    const cut = bridges(members.get(c)!, edges);
    edges.forEach((e, i) => {
      if (!cut.has(i) || e[2] >= strong) kept.push(e);
    });
  }
  return components(ids, kept);
}
