// One self-overwriting progress line on stderr: what runs, how far (done of total, share), how fast and how long
// to go. Only on a terminal: never in CI (CI set), on a dumb terminal or when stderr is piped to a file or a log.
// Between ticks, the running DuckDB query's own progress fills in (a file being read, a rule scan).
import type { DuckDBConnection } from '@duckdb/node-api';
import { truncate } from './table.js';

export interface Progress {
  /** A new stage: what it is and, when known, how many units it has (rows, MB, rules, reports, records). */
  phase(label: string, total?: number, unit?: string): void;
  /** Units of this stage done so far, and what is being worked on now. */
  tick(done: number, now?: string): void;
  /** A line of its own (a wait, a resume), kept above the progress line; written as is when there is none. */
  log(line: string): void;
  stop(): void;
}

const silent = (write: (s: string) => void): Progress => ({ phase() {}, tick() {}, log: (line) => write(`${line}\n`), stop() {} });

export interface ProgressState {
  label: string;
  now?: string;
  total?: number;
  unit?: string;
  done?: number;
  /** The running query's share done, 0–100, when DuckDB reports it. */
  queryPct?: number;
  /** When the stage started, ms. */
  started: number;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const figure = (n: number, unit?: string) => (unit === 'MB' ? n.toFixed(1) : int(n));

export function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '';
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : m > 0 ? `${m} min ${Math.round(s % 60)} s` : `${Math.max(1, Math.round(s))} s`;
}

/** The line for a state at a moment: `import a.csv: loading  [#####.....] 41%  412,000 of 1,000,000 rows  205,000 rows/s  ETA 3 s`. */
export function progressLine(st: ProgressState, nowMs: number): string {
  const elapsed = (nowMs - st.started) / 1000;
  const done = st.done ?? (st.total !== undefined && st.queryPct !== undefined ? (st.total * st.queryPct) / 100 : undefined);
  const share = st.total ? (done !== undefined ? (100 * done) / st.total : undefined) : st.queryPct;
  const parts = [st.now ? `${st.label}: ${st.now}` : st.label];
  if (share !== undefined) parts.push(`[${'#'.repeat(Math.round(Math.min(100, share) / 5)).padEnd(20, '.')}] ${Math.min(100, share).toFixed(0).padStart(3)}%`);
  const unit = st.unit ?? '';
  if (done !== undefined) parts.push(st.total !== undefined ? `${figure(done, unit)} of ${figure(st.total, unit)} ${unit}` : `${figure(done, unit)} ${unit}`);
  else if (st.total !== undefined) parts.push(`${figure(st.total, unit)} ${unit}`);
  if (done !== undefined && elapsed >= 1 && done > 0) parts.push(`${figure(done / elapsed, unit)} ${unit}/s`);
  if (share !== undefined && share > 0 && share < 100 && elapsed >= 1) parts.push(`ETA ${duration((elapsed * (100 - share)) / share)}`);
  return parts.join('  ').trimEnd();
}

/** Whether progress may be drawn on this stream: a real terminal, not CI. */
export function showsProgress(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.CI && env.TERM !== 'dumb';
}

/** The progress line for this connection's queries; without a terminal, a Progress that only passes log lines to `log` (default: the stream). */
export async function progressFor(conn?: DuckDBConnection, opts: { stream?: NodeJS.WriteStream; log?: (s: string) => void } = {}): Promise<Progress> {
  const stream = opts.stream ?? process.stderr;
  if (!showsProgress(stream)) return silent(opts.log ?? ((s) => stream.write(s)));
  // DuckDB tracks a query's progress only when asked to (without printing its own bar).
  await conn?.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET progress_bar_time = 0');
  let st: ProgressState | undefined;
  const draw = () => {
    if (!st) return;
    let pct: number | undefined;
    try {
      const p = conn?.progress.percentage;
      pct = p !== undefined && p >= 0 ? p : undefined;
    } catch {
      pct = undefined;
    }
    st.queryPct = pct;
    stream.write(`\r\x1b[2K${truncate(progressLine(st, Date.now()), (stream.columns || 80) - 1)}`);
  };
  const timer = setInterval(draw, 200);
  timer.unref();
  return {
    phase(label, total, unit) {
      st = { label, total, unit, started: Date.now() };
      draw();
    },
    tick(done, now) {
      if (!st) return;
      st.done = done;
      if (now !== undefined) st.now = now;
      draw();
    },
    log(line) {
      stream.write(`\r\x1b[2K${line}\n`);
      draw();
    },
    stop() {
      clearInterval(timer);
      stream.write('\r\x1b[2K');
    },
  };
}
