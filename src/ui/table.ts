// Plain-text tables for the terminal (no colour here: callers colour what they print).
const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(cell).join('; ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
};

const width = (s: string) => [...s].length;

export function renderTable(rows: Record<string, unknown>[], columns?: string[], opts: { maxWidth?: number } = {}): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const max = opts.maxWidth ?? 48;
  const clip = (s: string) => (width(s) > max ? `${[...s].slice(0, max - 1).join('')}…` : s).replace(/\s+/g, ' ');
  const body = rows.map((r) => cols.map((c) => clip(cell(r[c]))));
  const widths = cols.map((c, i) => Math.max(width(c), ...body.map((b) => width(b[i]))));
  const isNum = cols.map((c) => rows.length > 0 && rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number'));
  const fmt = (cells: string[]) =>
    cells.map((s, i) => (isNum[i] ? s.padStart(widths[i] + s.length - width(s)) : s.padEnd(widths[i] + s.length - width(s)))).join('  ').trimEnd();
  return [fmt(cols), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(fmt)].join('\n');
}

/** CSV text; cells that a spreadsheet would run as a formula are prefixed with ' (OWASP CSV injection). */
export function renderCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const esc = (v: unknown) => {
    let s = cell(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [cols.map(esc).join(','), ...rows.map((r) => cols.map((c) => esc(r[c])).join(','))].join('\n') + '\n';
}
