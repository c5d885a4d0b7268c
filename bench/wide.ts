// `npm run bench:wide`: files with thousands of columns (a CRM's "export all properties"), 20 rows each. crmq's
// import against DuckDB's bare read_csv of the same file (all text), alternating, median of 3; written to
// bench/wide-results.md. The issue this answers: 5,000 columns took 25–104 s, 2,000 columns 6.5–24 s.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTable } from '../src/ui/table.js';
import { compare } from './measure.js';
import { measure } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, 'data');
mkdirSync(dataDir, { recursive: true });
const runs = 3;
const rowsPerFile = 20;
const mapping = join(dataDir, 'wide.yaml');
writeFileSync(mapping, 'entity: contacts\nid: id\ncolumns:\n  Email: email\n  First Name: first_name\n');

const rows: Record<string, string | number>[] = [];
for (const width of [20, 500, 2000, 5000]) {
  const file = join(dataDir, `wide-${width}.csv`);
  if (!existsSync(file)) {
    const header = ['id', 'Email', 'First Name', ...Array.from({ length: width - 3 }, (_, i) => `Property ${i + 1}`)];
    const body = Array.from({ length: rowsPerFile }, (_, r) => [r + 1, `u${r}@example.ru`, `Name ${r}`, ...Array.from({ length: width - 3 }, (_, i) => (i % 3 ? `value ${r}-${i}` : ''))].join(','));
    writeFileSync(file, [header.join(','), ...body].join('\n') + '\n');
  }
  const db = join(dataDir, 'wide-bench.duckdb');
  const { a: bare, b: crmq } = compare(runs, () => measure('bare-read-csv', { file, db, allVarchar: true }), () => measure('crmq-import', { file, db, mapping }));
  rows.push({
    columns: width.toLocaleString('en-US'), rows: rowsPerFile, 'bare read_csv s': (bare.ms / 1000).toFixed(2), 'crmq import s': (crmq.ms / 1000).toFixed(2),
    'ratio to bare': `${(crmq.ms / bare.ms).toFixed(2)}×`, 'peak RSS MB': Math.round(crmq.rssMb),
  });
}
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; median of ${runs} alternating runs`;
const table = renderTable(rows);
console.log(table);
console.log(machine);
writeFileSync(join(here, 'wide-results.md'), `# Wide files: import time by number of columns\n\n${machine}\n\n\`\`\`\n${table}\n\`\`\`\n`);
