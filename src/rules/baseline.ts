// A baseline is the set of finding ids a team has accepted: with --baseline only findings not in it count.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { CrmqError } from '../errors.js';

const BaselineSchema = z.object({ version: z.literal(1), created_at: z.string(), findings: z.array(z.object({ id: z.string(), rule: z.string() }).passthrough()) }).strict();

export function readBaseline(path: string): Set<string> {
  if (!existsSync(path)) throw new CrmqError(`${path}: baseline file not found (create one with --write-baseline)`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CrmqError(`${path}: not a JSON baseline: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = BaselineSchema.safeParse(data);
  if (!parsed.success) throw new CrmqError(`${path}: ${parsed.error.issues[0].path.join('.') || '(top level)'}: ${parsed.error.issues[0].message}`);
  return new Set(parsed.data.findings.map((f) => f.id));
}

export function writeBaseline(path: string, findings: { id: string; rule: string; source: string | null; source_id: string | null }[]): void {
  const sorted = [...findings].sort((a, b) => a.id.localeCompare(b.id)).map(({ id, rule, source, source_id }) => ({ id, rule, source, source_id }));
  writeFileSync(path, JSON.stringify({ version: 1, created_at: new Date().toISOString(), findings: sorted }, null, 2) + '\n');
}
