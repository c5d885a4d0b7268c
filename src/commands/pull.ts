// `crmq pull <crm>`: pull records straight from a CRM's API into the database (src/pull/).
import { Argument, type Command } from 'commander';
import { CONNECTORS } from '../pull/connectors/index.js';
import type { EntityPull, PullOptions } from '../pull/pull.js';
import { parseSince } from '../pull/since.js';
import { collect, dbOption, formatOption, positive, requireOptions, wholeNumber, type Io } from './command.js';

export interface PullCommandOptions extends PullOptions {
  db?: string;
}

export async function pullCommand(opts: PullCommandOptions): Promise<EntityPull[]> {
  const { withDb } = await import('../db/database.js');
  const { pull } = await import('../pull/pull.js');
  return withDb(opts.db, (db) => pull(db, opts));
}

export function configure(cmd: Command, io: Io): void {
  cmd
    .addArgument(new Argument('<crm>', 'which CRM').choices([...CONNECTORS.map((c) => c.id), 'kommo']))
    .option('-s, --source <name>', 'name for where the data came from, e.g. hubspot-eu (kept as lineage)')
    .option('--entities <list>', "the CRM's entities to pull, comma-separated (default: its main ones; see below)", collect)
    .option('--since <date>', 'only records changed since then: YYYY-MM-DD, DD.MM.YYYY or ISO date-time (default: since the last successful pull)', (v: string) => parseSince(v))
    .option('--full', 'read everything, ignoring earlier pulls', false)
    .option('--resume', "continue each entity's unfinished pull after its last committed page (the others: a normal pull)", false)
    .option('--save-raw <dir>', 'also save every page as JSON (re-import offline with crmq import)')
    .option('--mapping <file>', 'a mapping file (docs/import.md) for the table it names, on top of the CRM preset: promotes custom fields to canonical columns (repeatable, one per table)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--base-url <url>', "the API's base URL (default: from the environment, see below)")
    .option('--rate <n>', "requests per second (default: the CRM's documented limit)", positive('--rate'))
    .option('--timeout <s>', 'seconds to wait for one answer', positive('--timeout'), 30)
    .option('--retries <n>', 'retries of one request (rate limits, 5xx, timeouts) before giving up', wholeNumber('--retries'), 6)
    .option('--max-wait <s>', 'longest server-ordered wait to sit out before stopping (resume later)', positive('--max-wait'), 900)
    .addOption(dbOption())
    .addOption(formatOption(['text', 'json'], 'text'))
    .addHelpText('after', () =>
      '\nCredentials come from the environment only (NAME, or NAME_FILE holding it):\n' +
      CONNECTORS.map((c) => `  ${c.id}: entities ${Object.keys(c.entities).join(', ')} (default ${c.defaultEntities.join(',')})\n` + c.env.map((e) => `    ${e.name.padEnd(24)} ${e.doc}`).join('\n')).join('\n') +
      '\n',
    )
    .action(async (crm: string, o) => {
      // On a terminal, one self-overwriting line (records, pages, rate); waits and resumes are lines of their own (also in cron logs).
      const { progressFor } = await import('../ui/progress.js');
      const progress = await progressFor(undefined, { log: io.stderr });
      let results: EntityPull[];
      try {
        results = await pullCommand({
          crm, source: o.source, entities: o.entities, since: o.since, full: o.full, resume: o.resume, saveRaw: o.saveRaw, mappings: o.mapping, baseUrl: o.baseUrl,
          rate: o.rate, timeoutMs: o.timeout * 1000, retries: o.retries, maxWaitMs: o.maxWait * 1000, db: o.db,
          onEvent: (e) => {
            if (e.type === 'wait') progress.log(`${e.entity}: waiting ${(e.ms / 1000).toFixed(1)} s: ${e.why}`);
            else if (e.type === 'start') {
              if (e.mode === 'resumed') progress.log(`${e.entity}: resuming at page ${e.fromPage}`);
              progress.phase(`pull ${crm} ${e.entity}`, undefined, 'records');
            } else if (e.type === 'commit') progress.tick(e.records, `${e.pages} pages`);
          },
        });
      } finally {
        progress.stop();
      }
      const { describePull } = await import('../ui/pull-summary.js');
      if (o.format === 'json') io.stdout(JSON.stringify(results, null, 2) + '\n');
      else for (const r of results) io.stdout(describePull(r) + '\n');
      if (results.some((r) => r.rejected > 0)) io.setExit(1);
    });
  requireOptions(cmd, 'source');
}
