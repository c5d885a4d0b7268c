// `npm run bench:dedup`: duplicate detection on data crmq was not tuned on, and its cost.
// 1. The labelled public sets of ../shared/datasets/dedup (pairwise precision, recall, F1; B-cubed F1) at both
//    profiles, beside the figures before this version (main at 0f7f708, bench/dedup-results.md of that commit).
// 2. A header-less FEBRL-like file (zingg_febrl_20k) through the CLI: import --columns with a mapping, dedupe.
// 3. A namesake-dense cross-source set from the fixtures generator (Bitrix24 Cyrillic + HubSpot Latin).
// 4. Generated contacts at 100k, 1M and 3M: CPU time, wall time, peak RSS and candidate pairs of crmq, of the engine
//    before this branch (`--before`, default main: its src/ extracted from git, run on the same database) and of a
//    plain DuckDB baseline (bench/dedup/duckdb-baseline.ts), all on the same data in the same run. Splink needs
//    PyPI, which this machine cannot reach: the issue's Splink figures are the reference.
// Each step runs in its own process (bench/child.ts), so its memory and CPU figures are its own.
//   npm run bench:dedup [-- --sizes 100000,1000000,3000000] [--before main] [--before-max 1000000] [--repeat 3] [--no-quality]
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchPeople } from '../fixtures/generate.js';
import { renderTable } from '../src/ui/table.js';
import { DATASETS } from './dedup/datasets.js';
import { measure } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const shared = resolve(here, '../../shared/datasets/dedup');
if (!existsSync(shared)) throw new Error(`${shared}: the labelled datasets are not here`);
const dataDir = join(here, 'data');
mkdirSync(dataDir, { recursive: true });
const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1];
const sizes = (process.argv.includes('--sizes') ? arg('--sizes') : '100000,1000000,3000000').split(',').map(Number);
const load0 = loadavg();
const withQuality = !process.argv.includes('--no-quality');
const beforeRef = process.argv.includes('--before') ? arg('--before') : 'main';
/** The before engine keeps every pair in memory (3.8 GB at 1M): above this size it is not run. */
const beforeMax = process.argv.includes('--before-max') ? Number(arg('--before-max')) : 1_000_000;
const f3 = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(3));
type Q = { precision: number; recall: number; f1: number; b3F1?: number; refused?: number };

/** Before this version: main at 0f7f708 (its bench/dedup-results.md; PATSTAT and the CLI file from the issue). */
const BEFORE: Record<string, [number | undefined, number, number]> = {
  'FEBRL 1': [1, 1, 1], 'FEBRL 2': [1, 0.998, 0.999], 'FEBRL 3': [1, 0.999, 1], 'FEBRL 4 (4a + 4b)': [1, 0.999, 1], fake_1000: [1, 0.884, 0.939],
  historical_50k: [0.858, 0.864, 0.861], restaurants: [0.914, 0.946, 0.93], 'Chicago early childhood': [0.901, 0.912, 0.907],
  'PATSTAT applicants (name only)': [undefined, 0, 0], 'zingg_febrl_20k via the CLI': [0.581, 0.751, 0.655],
};
const TARGETS: Record<string, string> = {
  'FEBRL 1': 'F1 ≥ 0.995', 'FEBRL 2': 'F1 ≥ 0.995', 'FEBRL 3': 'F1 ≥ 0.995 (Splink 0.965)', 'FEBRL 4 (4a + 4b)': 'F1 ≥ 0.995', fake_1000: 'F1 ≥ 0.90',
  historical_50k: 'F1 ≥ 0.85 (Splink 0.757, issue 0.828)', restaurants: 'F1 ≥ 0.90 (Splink 0.542)', 'Chicago early childhood': 'F1 ≥ 0.90 (Splink 0.841)',
  'PATSTAT applicants (name only)': 'clusters', 'zingg_febrl_20k via the CLI': 'F1 ≥ 0.99 (Splink 0.992)', 'namesakes (20,000 people)': 'P ≥ 0.98 at R ≥ 0.95',
};

const quality: Record<string, string | number>[] = [];
const row = (name: string, records: number, q: Record<'precise' | 'review', Q> | Q, extra: { seconds: number; rssMb: number; blocking?: number }) => {
  const b = BEFORE[name];
  const precise = 'precise' in q ? q.precise : q;
  const review = 'review' in q ? q.review : undefined;
  quality.push({
    dataset: name, records, 'before P/R/F1': b ? `${f3(b[0])} / ${f3(b[1])} / ${f3(b[2])}` : '–',
    'precise P/R/F1': `${f3(precise.precision)} / ${f3(precise.recall)} / ${f3(precise.f1)}`, 'B³ F1': f3(precise.b3F1),
    'review P/R/F1': review ? `${f3(review.precision)} / ${f3(review.recall)} / ${f3(review.f1)}` : '–',
    'blocking recall': f3(extra.blocking), target: TARGETS[name] ?? '', seconds: (extra.seconds / 1000).toFixed(1), 'peak RSS MB': Math.round(extra.rssMb),
  });
  console.log(`${name}: ${JSON.stringify(precise)}`);
};

for (const ds of withQuality ? DATASETS : []) {
  const m = measure('dedup-dataset', { name: ds.name, dir: shared });
  const d = m.detail as { quality: Record<'precise' | 'review', Q>; records: number; blockingRecall: number };
  row(ds.name, d.records, d.quality, { seconds: m.ms, rssMb: m.rssMb, blocking: d.blockingRecall });
}
if (withQuality) {
  const mapping = join(dataDir, 'zingg-febrl.yaml');
  writeFileSync(mapping, ['entity: contacts', 'id: id', 'columns:', ...Object.entries({ fname: 'first_name', lname: 'last_name', stNo: 'address', add1: 'address', add2: 'address', city: 'city', areacode: 'postcode', state: 'ignore', dob: 'birth_date', ssn: 'national_id' }).map(([k, v]) => `  ${k}: ${v}`)].join('\n') + '\n');
  const m = measure('dedup-cli', { file: join(shared, 'zingg_febrl_20k', 'test.csv.orig'), mapping, columns: 'id,fname,lname,stNo,add1,add2,city,areacode,state,dob,ssn', db: join(dataDir, 'dedup-cli.duckdb') });
  const d = m.detail as Q & { records: number };
  row('zingg_febrl_20k via the CLI', d.records, d, { seconds: m.ms, rssMb: m.rssMb });
}
if (withQuality) {
  const m = measure('dedup-namesakes', { dir: join(dataDir, 'namesakes'), people: 20_000, db: join(dataDir, 'dedup-namesakes.duckdb') });
  const d = m.detail as Record<'precise' | 'review', Q> & { records: number; namesakePeople: number; people: number };
  row('namesakes (20,000 people)', d.records, d, { seconds: m.ms, rssMb: m.rssMb });
  console.log(`namesakes: ${d.namesakePeople} of ${d.people} people share their exact name with another`);
}

// Speed: crmq's path (phones to E.164 + dedupe), the engine before this branch and the DuckDB baseline on the same
// imported contacts.
const beforeDir = join(dataDir, 'before');
rmSync(beforeDir, { recursive: true, force: true });
mkdirSync(beforeDir, { recursive: true });
execSync(`git archive ${beforeRef} src | tar -x -C ${beforeDir}`, { cwd: resolve(here, '..') });
const beforeCommit = execSync(`git rev-parse --short ${beforeRef}`, { cwd: resolve(here, '..'), encoding: 'utf8' }).trim();
type S = { candidatePairs: number; precision: number; recall: number; f1: number };
const speed: Record<string, string | number>[] = [];
const repeat = process.argv.includes('--repeat') ? Number(arg('--repeat')) : 1;
const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? `${(a / b).toFixed(2)}×` : '–');
for (const n of sizes) {
  const file = join(dataDir, `people-${n}.csv`);
  if (!existsSync(`${file}.truth.csv`)) await writeBenchPeople(file, n);
  const db = join(dataDir, `dedup-speed-${n}.duckdb`);
  measure('dedup-import', { file, db });
  const predicted = `${db}.predicted.csv`;
  // Each engine writes its clusters; 'dedup-score' scores them in a process of its own (not part of the figures).
  const scored = (m: ReturnType<typeof measure>) => ({ ...m, detail: { ...m.detail, ...measure('dedup-score', { file, predicted }).detail } });
  // The 1-minute load average as each step starts (others share the machine: CPU time is the steadier figure).
  // With --repeat k the engines run in turn k times (crmq, before, baseline, crmq, …): medians, the peak RSS of
  // all rounds, and the spread of the per-round CPU ratio to the engine before.
  const engines: [string, () => ReturnType<typeof measure>][] = [['crmq (phones + dedupe)', () => measure('dedup-speed', { file, db, predicted })]];
  if (n <= beforeMax) engines.push([`before (${beforeRef} ${beforeCommit})`, () => measure('dedup-before', { file, db, before: beforeDir, predicted })]);
  engines.push(['plain DuckDB baseline', () => measure('dedup-baseline', { file, db, predicted })]);
  const rounds = engines.map(() => [] as { m: ReturnType<typeof measure>; load: number }[]);
  for (let k = 0; k < repeat; k++) {
    engines.forEach(([, run], i) => {
      const load = loadavg()[0];
      rounds[i].push({ m: scored(run()), load });
    });
  }
  const cpu = (i: number, k: number) => rounds[i][k].m.cpuMs ?? 0;
  const beforeAt = engines.findIndex(([e]) => e.startsWith('before'));
  const baseAt = engines.length - 1;
  engines.forEach(([engine], i) => {
    const first = rounds[i][0].m;
    const d = first.detail as S;
    // (the engine before 08baaa0's u sample was not deterministic: its F1 may differ between rounds, shown as a range)
    const f1s = rounds[i].map(({ m }) => (m.detail as S).f1);
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    const perRound = (j: number) => (j < 0 ? undefined : rounds[i].map((_, k) => cpu(i, k) / cpu(j, k)));
    const spread = (xs: number[] | undefined) => (xs === undefined ? '–' : repeat === 1 ? `${xs[0].toFixed(2)}×` : `${med(xs).toFixed(2)}× (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`);
    const rss = Math.max(...rounds[i].map(({ m }) => m.rssMb));
    const peak = (j: number) => (j < 0 ? undefined : Math.max(...rounds[j].map(({ m }) => m.rssMb)));
    speed.push({
      contacts: n.toLocaleString('en-US'), engine, 'candidate pairs': d.candidatePairs.toLocaleString('en-US'),
      'CPU s': (med(rounds[i].map((_, k) => cpu(i, k))) / 1000).toFixed(1), 'wall s': (med(rounds[i].map(({ m }) => m.ms)) / 1000).toFixed(1),
      'peak RSS MB': Math.round(rss), 'CPU / baseline': spread(perRound(baseAt)), 'RSS / baseline': ratio(rss, peak(baseAt)),
      'CPU / before': spread(perRound(beforeAt)), 'RSS / before': ratio(rss, peak(beforeAt)), precision: f3(d.precision), recall: f3(d.recall),
      F1: f3(Math.min(...f1s)) === f3(Math.max(...f1s)) ? f3(d.f1) : `${f3(Math.min(...f1s))}–${f3(Math.max(...f1s))}`,
      load: rounds[i].map(({ load }) => load.toFixed(1)).join(' '),
    });
    for (const { m } of rounds[i]) console.log(`${n} ${engine}: ${JSON.stringify({ cpuMs: m.cpuMs, ms: m.ms, rssMb: m.rssMb, ...(m.detail as S) })}`);
  });
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  writeResults(); // after each size, so a long run that is stopped keeps what it measured
}

function writeResults(): void {
  const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`;
  const qTable = renderTable(quality, undefined, { maxWidth: 44 });
  const sTable = renderTable(speed);
  console.log(`${qTable}\n\n${sTable}\n${machine}`);
  writeFileSync(
    join(here, 'dedup-results.md'),
    `# Duplicate detection benchmark\n\n${machine}. Written by \`npm run bench:dedup\`.\n\n` +
      'Quality: pairwise precision / recall / F1 at the default `precise` profile and at `review`, beside the figures before this version ' +
      '(main at 0f7f708; PATSTAT and the header-less CLI file from issue #14).\n\n' +
      `\`\`\`\n${qTable}\n\`\`\`\n\n` +
      'Speed on generated contacts (20% planted duplicates typed differently): phones to E.164 + dedupe, import excluded (each engine in its own ' +
      `process, CPU time of every thread), beside the engine before this branch (${beforeRef} at ${beforeCommit}, same database, same run) and a ` +
      `plain DuckDB Splink-style linkage on the same data in the same run. Load average at the start: ${load0.map((x) => x.toFixed(1)).join(' ')}; ` +
      `\`load\`: the 1-minute load average as each step started.${repeat > 1 ? ` ${repeat} rounds, the engines in turn: median CPU and wall seconds, the peak RSS of all rounds, and the per-round CPU ratios' median (lowest–highest).` : ''}\n\n` +
      `\`\`\`\n${sTable}\n\`\`\`\n`,
  );
}
writeResults();
