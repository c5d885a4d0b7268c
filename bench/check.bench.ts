// The full rule pack over N contacts + N deals, against one plain count(*) … WHERE scan per rule as the floor.
// The first run parses every phone with libphonenumber-js (cached in phone_norm); the second reuses the cache.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeBenchContacts, writeBenchDeals } from '../fixtures/generate.js';
import type { BenchRow } from './import.bench.js';
import { measure } from './measure.js';

export async function checkBench(dataDir: string, n: number): Promise<BenchRow[]> {
  const contacts = join(dataDir, `contacts-${n}.csv`);
  const deals = join(dataDir, `deals-${n}.csv`);
  if (!existsSync(contacts)) await writeBenchContacts(contacts, n);
  if (!existsSync(deals)) await writeBenchDeals(deals, n);
  const db = join(dataDir, 'check-bench.duckdb');
  measure('check-setup', { db, contacts, deals });
  const floor = measure('count-per-rule', { db });
  const cold = measure('crmq-check', { db });
  const warm = measure('crmq-check', { db });
  const rows = 2 * n;
  const row = (bench: string, m: typeof floor, baseline: string, ratio: number | null): BenchRow => ({
    bench, rows, seconds: m.ms / 1000, baseline, ratio, rows_per_s: rows / (m.ms / 1000), peak_rss_mb: m.rssMb,
  });
  return [
    row('count(*) … WHERE, one scan per rule', floor, '', null),
    row('crmq check, 36 rules, phones parsed (cold)', cold, 'count per rule', cold.ms / floor.ms),
    row('crmq check, 36 rules, phone cache warm', warm, 'count per rule', warm.ms / floor.ms),
  ];
}
