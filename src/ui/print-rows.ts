// Rows printed as the user asked: an aligned table, CSV or JSON.
import type { Io } from '../commands/command.js';
import { renderCsv, renderTable } from './table.js';

export function printRows(io: Io, rows: Record<string, unknown>[], format: string): void {
  if (format === 'json') io.stdout(JSON.stringify(rows, null, 2) + '\n');
  else if (format === 'csv') io.stdout(renderCsv(rows));
  else io.stdout((rows.length ? renderTable(rows, undefined, { width: io.columns }) : '(no rows)') + '\n');
}
