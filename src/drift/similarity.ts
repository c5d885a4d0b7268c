// How alike two columns' contents are, from their sketches (the smallest hashes of each one's distinct values over
// the same sampled records): the bottom-k estimate of the Jaccard similarity of their value sets.
const K = 64;

/** SQL: 0..1, how many of the k smallest hashes of both sketches together are in both. */
export const sketchSimilarity = (a: string, b: string): string =>
  `(CASE WHEN len(${a}) = 0 OR len(${b}) = 0 THEN 0 ELSE
    len(list_filter(list_slice(list_sort(list_distinct(list_concat(${a}, ${b}))), 1, ${K}), x -> list_contains(${a}, x) AND list_contains(${b}, x)))
    / len(list_slice(list_distinct(list_concat(${a}, ${b})), 1, ${K})) END)`;
