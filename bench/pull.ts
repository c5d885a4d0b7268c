// `npm run bench:pull`: pulling from each CRM's API emulator at the CRM's documented rate, with its
// largest page size. The emulator (this process) refuses anything faster than the rate; crmq runs in a
// child process. Baseline in the same run: the same connector fetching and parsing the pages without
// storing them. The rate-limit floor is (requests − 1) / rate: the time no client can beat.
//   npm run bench:pull              100,000 records per CRM (Bitrix24: 10,000; its 2 requests/s would take 17 min)
//   npm run bench:pull -- --quick   5,000 records per CRM
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envFor, startCrm, storeFor } from '../fixtures/api/index.js';
import { connectorFor } from '../src/pull/connectors/index.js';
import { renderTable } from '../src/ui/table.js';
import { measureAsync } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const dataDir = join(here, 'data');
mkdirSync(dataDir, { recursive: true });
const TOKEN = 'bench-token-0123456789';

const CASES = [
  { crm: 'hubspot', entity: 'contacts', page: 100, n: 100_000 },
  { crm: 'salesforce', entity: 'Contact', page: 2000, n: 100_000 },
  { crm: 'pipedrive', entity: 'persons', page: 500, n: 100_000 },
  { crm: 'zoho', entity: 'Contacts', page: 200, n: 100_000 },
  { crm: 'bitrix24', entity: 'contacts', page: 50, n: 10_000 },
  { crm: 'amocrm', entity: 'contacts', page: 250, n: 100_000 },
];

const rows: Record<string, string>[] = [];
for (const c of CASES) {
  const n = quick ? 5_000 : c.n;
  const rate = connectorFor(c.crm)!.rate;
  const em = await startCrm(c.crm, { token: TOKEN, store: storeFor(c.crm, { [c.entity]: n }), pageSize: c.page, enforceRate: rate + 1 });
  const env = envFor(c.crm, em.url, TOKEN);
  try {
    const base = await measureAsync('pull-fetch-only', { crm: c.crm, entity: c.entity, env });
    const full = await measureAsync('pull', { crm: c.crm, entity: c.entity, env, db: join(dataDir, `pull-${c.crm}.duckdb`) });
    const d = full.detail as { records: number; loaded: number; requests: number; retries: number; waitedMs: number; commits: number; commitMs: number };
    if (d.loaded !== n) throw new Error(`${c.crm}: loaded ${d.loaded} of ${n}`);
    const floor = (d.requests - 1) / rate;
    const secs = full.ms / 1000;
    rows.push({
      crm: c.crm, records: n.toLocaleString('en-US'), 'page size': String(c.page), 'rate req/s': String(rate), requests: String(d.requests),
      '429s': String(em.rateLimited), 'floor s': floor.toFixed(1), 'fetch-only s': (base.ms / 1000).toFixed(1), 'crmq pull s': secs.toFixed(1),
      'ratio to fetch-only': `${(full.ms / base.ms).toFixed(3)}×`, 'crmq overhead': `${(((secs - floor) / floor) * 100).toFixed(1)}%`,
      'waiting share': `${((d.waitedMs / full.ms) * 100).toFixed(0)}%`, commits: String(d.commits), 'database s': (d.commitMs / 1000).toFixed(1), 'records/s': Math.round(n / secs).toLocaleString('en-US'), 'peak RSS MB': String(Math.round(full.rssMb)),
    });
    console.log(JSON.stringify(rows.at(-1)));
  } finally {
    await em.close();
  }
}

const table = renderTable(rows, undefined, { maxWidth: 200 });
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}`;
const notes = [
  'floor: (requests − 1) / documented rate, the least time the rate limit allows; crmq overhead: (crmq pull − floor) / floor.',
  'fetch-only: the same connector, pacing and JSON parsing with the pages thrown away (the baseline); waiting share: time crmq spent held by its pacing.',
  'database s: time spent loading pages (flatten, stage, map, upsert, checkpoint) over all commits; it runs while the next pages are awaited, so it adds to the wall time only after the last page.',
  'Salesforce has no per-second limit (a 24-hour allowance instead); its 20 requests/s is crmq\'s own courtesy pace, so its figures are mostly crmq\'s work.',
];
console.log(table);
writeFileSync(join(here, 'pull-results.md'), `# Pull benchmark\n\n${machine}${quick ? ' (--quick)' : ''}\n\n\`\`\`\n${table}\n\`\`\`\n\n${notes.map((x) => `- ${x}`).join('\n')}\n`);
