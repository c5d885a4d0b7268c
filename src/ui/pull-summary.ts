// What the terminal shows of one entity's pull: records, pages, HTTP requests and waits.
import chalk from './chalk.js';
import type { EntityPull } from '../pull/pull.js';

export function describePull(r: EntityPull): string {
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const mode = r.mode === 'incremental' ? `changed since ${r.since}` : r.mode;
  const parts = [`${r.records} records in ${r.pages} page${r.pages === 1 ? '' : 's'} (${mode})`, chalk.green(`loaded ${r.loaded}`)];
  if (r.rejected) parts.push(chalk.red(`rejected ${r.rejected}`));
  if (r.deleted) parts.push(`deleted ${r.deleted}`);
  const http = `${r.requests} requests, ${r.retries} retries, ${secs(r.waitedMs)} waiting on the rate limit, ${secs(r.elapsedMs)} in all`;
  return `${chalk.bold(r.entity)} → ${r.table}: ${parts.join(', ')}; ${http} (pull #${r.pullId})`;
}
