// `npm run bench:dedup`: duplicate detection quality on the labelled public sets of ../shared/datasets/dedup
// (pairwise precision, recall, F1; B-cubed F1), time and peak RSS per set; then speed on generated contacts.
// Each set runs in its own process (bench/child.ts) so its memory figure is its own.
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchPeople } from '../fixtures/generate.js';
import { renderTable } from '../src/ui/table.js';
import { DATASETS } from './dedup/datasets.js';
import { measure } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const shared = resolve(here, '../../shared/datasets/dedup');
if (!existsSync(shared)) throw new Error(`${shared}: the labelled datasets are not here`);

const TARGETS: Record<string, string> = {
  'FEBRL 1': '≥ 0.995', 'FEBRL 2': '≥ 0.995', 'FEBRL 3': '≥ 0.995 (Splink 0.965)', 'FEBRL 4 (4a + 4b)': '≥ 0.995', fake_1000: '≥ 0.90 (plain rule 0.835)',
  historical_50k: '≥ 0.85 (Splink 0.757)', restaurants: '≥ 0.90 (plain rule 0.84)', 'Chicago early childhood': '≥ 0.90 (plain rule 0.81)',
};
const rows = DATASETS.map((ds) => {
  const m = measure('dedup-dataset', { name: ds.name, dir: shared });
  const q = m.detail as Record<string, number>;
  return {
    dataset: ds.name, records: q.records, 'pairs/record': (q.candidatePairs / q.records).toFixed(1), 'blocking recall': q.blockingRecall.toFixed(3),
    precision: q.precision.toFixed(3), recall: q.recall.toFixed(3), 'pairwise F1': q.f1.toFixed(3), 'B³ F1': q.b3F1.toFixed(3), target: TARGETS[ds.name] ?? '',
    seconds: (m.ms / 1000).toFixed(1), 'peak RSS MB': Math.round(m.rssMb),
  };
});
const dataDir = join(here, 'data');
const speed = [100_000, 1_000_000].map((n) => ({ n, file: join(dataDir, `people-${n}.csv`) }));
for (const s of speed) if (!existsSync(`${s.file}.truth.csv`)) await writeBenchPeople(s.file, s.n);
const speedRows = speed.map(({ n, file }) => {
  const m = measure('dedup-speed', { file, db: join(dataDir, 'dedup-bench.duckdb') });
  const d = m.detail as Record<string, number>;
  return {
    contacts: n.toLocaleString('en-US'), 'candidate pairs': d.candidatePairs.toLocaleString('en-US'), clusters: d.clusters,
    precision: d.precision.toFixed(3), recall: d.recall.toFixed(3), F1: d.f1.toFixed(3),
    'phones s': (d.phonesMs / 1000).toFixed(1), 'dedupe s': (d.dedupeMs / 1000).toFixed(1), 'total s': ((d.phonesMs + d.dedupeMs) / 1000).toFixed(1), 'peak RSS MB': Math.round(m.rssMb),
  };
});
const quality = renderTable(rows, undefined, { maxWidth: 40 });
const speedTable = renderTable(speedRows);
const machine = `${cpus().length} cores, Node ${process.version}`;
console.log(quality);
console.log(`\n${speedTable}\n${machine}`);
writeFileSync(join(here, 'dedup-results.md'), `# Duplicate detection benchmark\n\n${machine}\n\n\`\`\`\n${quality}\n\`\`\`\n\nSpeed on generated contacts:\n\n\`\`\`\n${speedTable}\n\`\`\`\n`);
