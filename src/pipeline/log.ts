// Structured JSON-lines log of a run: one object a line, to stderr or a file.
import { appendFileSync } from 'node:fs';

export type Logger = (event: string, fields?: Record<string, unknown>, level?: 'info' | 'warn' | 'error') => void;

export function jsonLogger(file: string | undefined, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  return (event, fields = {}, level = 'info') => {
    const line = JSON.stringify({ ts: new Date().toISOString(), level, event, ...fields }) + '\n';
    if (file) appendFileSync(file, line);
    else write(line);
  };
}
