// Plain-text tables for the terminal (no colour here: callers colour what they print). Widths are display columns
// (string-width: a Cyrillic letter is 1, a combining accent 0, a CJK character 2); numbers are right-aligned; with a
// terminal width the table fits it, wide text columns cut with …, or, when even that does not fit, one record per block.
import { createRequire } from 'node:module';

/**
 * string-width, loaded the first time a cell needs it: most tables never do (ONE_COLUMN below), and loading it cost
 * about 70 ms of a one-report run. Node ≥ 20.19 requires an ES module synchronously; an older Node 20 imports it here.
 */
const require = createRequire(import.meta.url);
let stringWidth: ((s: string) => number) | undefined = process.features.require_module ? undefined : (await import('string-width')).default;
const wideWidth = (s: string): number => (stringWidth ??= (require('string-width') as typeof import('string-width')).default)(s);

/**
 * Characters one column wide that never join the next into one grapheme: printable ASCII, Latin-1 (not ©, ® or the
 * soft hyphen), Latin Extended, Greek, Cyrillic (not its combining marks), dashes, quotes, …, the narrow no-break
 * space, currency signs, №, ←→, box lines. Most cells are only these, and their width is their length (string-width
 * costs tens of microseconds a cell); the rest go to string-width. A test holds this to string-width's answer.
 */
const ONE_COLUMN = /^[\x20-\x7e\u00a0-\u00a8\u00aa-\u00ac\u00af-\u02ff\u0370-\u0377\u037a-\u037f\u0384-\u03ff\u0400-\u0482\u048a-\u04ff\u2010-\u2027\u202f\u2030-\u203b\u203d-\u2048\u204a-\u205e\u20a0-\u20bf\u2116\u2190-\u2193\u2500-\u257f]*$/;

/** Display columns of s: its length when every character is ONE_COLUMN, else string-width's count. */
export const displayWidth = (s: string): number => (ONE_COLUMN.test(s) ? s.length : wideWidth(s));

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(cell).join('; ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
};

/** Made when a cell is first cut (making one costs about 17 ms). */
let graphemes: Intl.Segmenter | undefined;

/** s cut to at most `max` display columns, ending in … when cut. */
export function truncate(s: string, max: number): string {
  if (displayWidth(s) <= max) return s;
  let out = '';
  let w = 0;
  for (const { segment } of (graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })).segment(s)) {
    const sw = displayWidth(segment);
    if (w + sw > max - 1) break;
    out += segment;
    w += sw;
  }
  return `${out}…`;
}

const pad = (s: string, width: number, right: boolean) => {
  const gap = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return right ? gap + s : s + gap;
};

export interface TableOptions {
  /** The longest a cell may be, in display columns (default 48). */
  maxWidth?: number;
  /** The terminal's width: the table is made to fit it. Without it (output piped to a file), it is not. */
  width?: number;
  /** Right-aligned columns (numbers). Default: columns whose every value is a number. */
  right?: string[];
}

/** The narrowest a text column is cut to before the table switches to one record per block. */
const MIN_TEXT = 6;
const GAP = 2;

export function renderTable(rows: Record<string, unknown>[], columns?: string[], opts: TableOptions = {}): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const max = opts.maxWidth ?? 48;
  const text = rows.map((r) => cols.map((c) => cell(r[c]).replace(/\s+/g, ' ')));
  const right = cols.map((c) => opts.right?.includes(c) ?? (rows.length > 0 && rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number' || typeof r[c] === 'bigint')));
  const natural = cols.map((c, i) => Math.min(max, Math.max(displayWidth(c), ...text.map((t) => displayWidth(t[i])))));
  const widths = opts.width ? fit(natural, right, opts.width) : natural;
  if (!widths) return blocks(cols, text, opts.width!);
  const line = (cells: string[]) => cells.map((s, i) => pad(truncate(s, widths[i]), widths[i], right[i])).join(' '.repeat(GAP)).trimEnd();
  return [line(cols), widths.map((w) => '─'.repeat(w)).join(' '.repeat(GAP)), ...text.map(line)].join('\n');
}

/** Column widths within `total`: the widest text column narrowed first; numbers never. Undefined when it cannot fit. */
function fit(natural: number[], right: boolean[], total: number): number[] | undefined {
  const widths = [...natural];
  const sum = () => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  while (sum() > total) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (!right[i] && w > MIN_TEXT && (widest < 0 || w > widths[widest])) widest = i;
    });
    if (widest < 0) return undefined;
    widths[widest] -= 1;
  }
  return widths;
}

/** One record per block, `name  value` lines, for tables too wide for the terminal even with their text cut. */
function blocks(cols: string[], text: string[][], total: number): string {
  const label = Math.min(Math.max(...cols.map((c) => displayWidth(c))), Math.floor(total / 3));
  const rule = (n: number) => `── ${n} `.padEnd(Math.min(total, 40), '─');
  const value = Math.max(1, total - label - GAP);
  return text.map((t, n) => [rule(n + 1), ...cols.map((c, i) => `${pad(truncate(c, label), label, false)}  ${truncate(t[i], value)}`.trimEnd())].join('\n')).join('\n');
}

/** A character that makes a spreadsheet read a cell as a formula (OWASP CSV injection): = + - @, and a leading tab or CR. */
const TRIGGER = /^[ ]*[=+\-@]|^[\t\r]/;
/** Where a cell may start when a spreadsheet splits the line on another separator (Excel in ru-RU and de-DE uses ;). */
const INNER = /([,;\t\r\n][ ]*)([=+\-@])/g;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * One CSV cell. Numbers stay numbers (-5 is written -5). Text that a spreadsheet would run as a formula gets a
 * leading ' — at its start, and after any , ; or tab inside it, where a spreadsheet reading the file with another
 * separator would start a cell — and is quoted, like every text with a separator, quote or line break in it.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  let s = cell(v);
  let risky = false;
  if (!PLAIN_NUMBER.test(s)) {
    if (TRIGGER.test(s)) {
      s = `'${s}`;
      risky = true;
    }
    const inner = s.replace(INNER, "$1'$2");
    if (inner !== s) {
      s = inner;
      risky = true;
    }
  }
  return risky || /[",;\t\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** CSV text (RFC 4180, comma-separated) that is safe to open in a spreadsheet: see csvCell. */
export function renderCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [cols.map(csvCell).join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}
