import type { CheckResult } from '../commands/check.js';
import { renderCsv } from '../ui/table.js';

export const FINDING_COLUMNS = ['id', 'rule', 'severity', 'entity', 'source', 'source_id', 'message', 'value', 'detail', 'cluster', 'file', 'line', 'new'] as const;

export function findingsCsv(r: CheckResult): string {
  return renderCsv(r.findings as unknown as Record<string, unknown>[], [...FINDING_COLUMNS]);
}
