// Quality of a clustering against ground truth: pairwise precision, recall and F1 over within-cluster pairs,
// and B-cubed F1 (per record: how much of its predicted cluster is right, how much of its true cluster was found).

const pairCount = (n: number) => (n * (n - 1)) / 2;

export interface Quality {
  precision: number;
  recall: number;
  f1: number;
  b3F1: number;
  truePairs: number;
  predictedPairs: number;
}

export function evaluate(predicted: Map<string, string>, truth: Map<string, string>): Quality {
  const ids = [...truth.keys()];
  const groups = (m: Map<string, string>) => {
    const g = new Map<string, string[]>();
    for (const id of ids) {
      const c = m.get(id) ?? `__${id}`;
      const list = g.get(c);
      if (list) list.push(id);
      else g.set(c, [id]);
    }
    return g;
  };
  const p = groups(predicted);
  const t = groups(truth);
  // Pairs in both = Σ over (predicted cluster ∩ true cluster) of C(size, 2).
  const joint = new Map<string, number>();
  for (const id of ids) {
    const k = `${predicted.get(id) ?? `__${id}`}\u0000${truth.get(id)}`;
    joint.set(k, (joint.get(k) ?? 0) + 1);
  }
  const tp = [...joint.values()].reduce((a, n) => a + pairCount(n), 0);
  const predictedPairs = [...p.values()].reduce((a, g) => a + pairCount(g.length), 0);
  const truePairs = [...t.values()].reduce((a, g) => a + pairCount(g.length), 0);
  const precision = predictedPairs ? tp / predictedPairs : 1;
  const recall = truePairs ? tp / truePairs : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  const psize = new Map([...p.entries()].map(([c, g]) => [c, g.length]));
  const tsize = new Map([...t.entries()].map(([c, g]) => [c, g.length]));
  let bp = 0;
  let br = 0;
  for (const id of ids) {
    const both = joint.get(`${predicted.get(id) ?? `__${id}`}\u0000${truth.get(id)}`)!;
    bp += both / psize.get(predicted.get(id) ?? `__${id}`)!;
    br += both / tsize.get(truth.get(id)!)!;
  }
  bp /= ids.length;
  br /= ids.length;
  return { precision, recall, f1, b3F1: (2 * bp * br) / (bp + br), truePairs, predictedPairs };
}
