// A one-line progress indicator on stderr, only when stderr is a terminal.
import type { DuckDBConnection } from '@duckdb/node-api';

export interface Progress {
  phase(label: string): void;
  stop(): void;
}

const silent: Progress = { phase() {}, stop() {} };

export function progressFor(conn: DuckDBConnection | undefined, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return silent;
  let label = '';
  const draw = () => {
    let pct = -1;
    try {
      pct = conn ? conn.progress.percentage : -1;
    } catch {
      pct = -1;
    }
    const bar = pct >= 0 ? `[${'#'.repeat(Math.round(pct / 5)).padEnd(20, '.')}] ${pct.toFixed(0).padStart(3)}%` : '';
    stream.write(`\r\x1b[2K${label} ${bar}`);
  };
  const timer = setInterval(draw, 150);
  timer.unref();
  return {
    phase(l) {
      label = l;
      draw();
    },
    stop() {
      clearInterval(timer);
      stream.write('\r\x1b[2K');
    },
  };
}
