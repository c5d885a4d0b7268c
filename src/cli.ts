// The crmq command line: wires commander to the commands, prints their results, maps errors to exit codes.
// Exit codes: 0 clean, 1 data problems (rejected rows, findings at or above --fail-on), 2 usage/config/input error.
import { Argument, Command, CommanderError, Option } from 'commander';
import chalk from 'chalk';
import { CrmqError } from './errors.js';
import { progressFor } from './ui/progress.js';
import { renderCsv, renderTable } from './ui/table.js';
import { ENTITIES } from './model/tables.js';
import { PRESET_IDS } from './connectors/presets/index.js';
import type { ImportResult } from './import/import-file.js';
import { CONNECTORS } from './pull/connectors/index.js';
import type { EntityPull } from './pull/pull.js';
import { parseSince } from './pull/since.js';

type Out = { stdout: (s: string) => void; stderr: (s: string) => void };

const dbOption = () => new Option('--db <path>', 'DuckDB database file (env CRMQ_DB)').default(undefined, './crmq.duckdb');
const formatOption = (choices: string[], dflt: string) => new Option('--format <format>', 'output format').choices(choices).default(dflt);

function printRows(out: Out, rows: Record<string, unknown>[], format: string): void {
  if (format === 'json') out.stdout(JSON.stringify(rows, null, 2) + '\n');
  else if (format === 'csv') out.stdout(renderCsv(rows));
  else out.stdout((rows.length ? renderTable(rows) : '(no rows)') + '\n');
}

function describeImport(r: ImportResult): string {
  const head = `${chalk.bold(r.file.split('/').pop())} → ${r.entity} [${r.preset}, ${r.encoding}, '${r.delimiter === '\t' ? '\\t' : r.delimiter}']`;
  if (r.status === 'unchanged') return `${head}: already imported as import #${r.importId} (same file, same source); nothing to do`;
  const parts = [`read ${r.rowsRead}`, chalk.green(`loaded ${r.rowsLoaded}`), r.rowsRejected ? chalk.red(`rejected ${r.rowsRejected}`) : 'rejected 0'];
  if (r.rowsReplaced) parts.push(`replaced ${r.rowsReplaced}`);
  const lines = [`${head}: ${parts.join(', ')} (import #${r.importId})`];
  for (const s of r.rejectSample) lines.push(chalk.red(`  row ${s.line}: ${s.reason}`));
  if (r.rowsRejected > r.rejectSample.length) lines.push(`  … see \`crmq rejects --import ${r.importId}\``);
  if (r.padded) lines.push(chalk.dim(`  ${r.padded} short rows padded with empty trailing fields`));
  const fmts = Object.entries(r.formats).map(([c, f]) => `${c}: ${f}`);
  if (fmts.length) lines.push(chalk.dim(`  formats: ${fmts.join('; ')}`));
  const unparsed = Object.entries(r.unparsed).map(([f, n]) => `${f} ${n}`);
  if (unparsed.length) lines.push(chalk.yellow(`  unparsed values kept in extra: ${unparsed.join(', ')}`));
  if (r.unmapped.length) lines.push(chalk.dim(`  kept in extra (no canonical field): ${r.unmapped.slice(0, 8).join(', ')}${r.unmapped.length > 8 ? ` +${r.unmapped.length - 8}` : ''}`));
  return lines.join('\n');
}

function describePull(r: EntityPull): string {
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const mode = r.mode === 'incremental' ? `changed since ${r.since}` : r.mode;
  const parts = [`${r.records} records in ${r.pages} page${r.pages === 1 ? '' : 's'} (${mode})`, chalk.green(`loaded ${r.loaded}`)];
  if (r.rejected) parts.push(chalk.red(`rejected ${r.rejected}`));
  if (r.deleted) parts.push(`deleted ${r.deleted}`);
  const http = `${r.requests} requests, ${r.retries} retries, ${secs(r.waitedMs)} waiting on the rate limit, ${secs(r.elapsedMs)} in all`;
  return `${chalk.bold(r.entity)} → ${r.table}: ${parts.join(', ')}; ${http} (pull #${r.pullId})`;
}

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((x) => x.trim()).filter(Boolean)];

const positive = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new CrmqError(`${flag}: "${v}" is not a positive number`);
  return n;
};

export function buildProgram(out: Out, setExit: (code: number) => void): Command {
  const program = new Command('crmq')
    .description('Data quality and validated reports for CRM exports: import into DuckDB, check, dedupe, report.')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: out.stdout, writeErr: out.stderr });

  program
    .command('import')
    .description('Load CSV, XLSX or saved API JSON exports into the canonical model (one transaction per file)')
    .argument('<files...>', 'export files (.csv, .txt, .xlsx, .json)')
    .requiredOption('-s, --source <name>', 'name for where the data came from, e.g. hubspot-eu (kept as lineage)')
    .addOption(new Option('-p, --preset <preset>', 'CRM export layout (default: auto, detected from the headers; generic with --mapping)').choices(PRESET_IDS))
    .addOption(new Option('-e, --entity <entity>', 'what the file holds (default: detected from headers)').choices(ENTITIES))
    .option('-m, --mapping <file.yaml>', 'column mapping file (generic preset, or to extend a preset)')
    .option('--encoding <name>', 'file encoding: utf-8, windows-1251, utf-16le, koi8-r … (default: detected)')
    .option('--delimiter <char>', 'field delimiter (default: sniffed from , ; tab |)')
    .option('--sheet <name>', 'XLSX sheet to read (default: the first)')
    .option('--currency <code>', 'currency of amounts when the file names none, e.g. RUB')
    .option('--replace', "replace this source's rows of the entity with the file's, atomically", false)
    .option('--max-rejects <percent>', 'fail the import, loading nothing, when more rows than this are rejected', '50')
    .addOption(dbOption())
    .addOption(formatOption(['text', 'json'], 'text'))
    .action(async (files: string[], o) => {
      const { importCommand } = await import('./commands/import.js');
      const maxRejects = Number(o.maxRejects);
      if (!Number.isFinite(maxRejects) || maxRejects < 0 || maxRejects > 100) throw new CrmqError(`--max-rejects: "${o.maxRejects}" is not a percentage from 0 to 100`);
      const delimiter = o.delimiter === '\\t' || o.delimiter === 'tab' ? '\t' : o.delimiter;
      const results = await importCommand(files, { ...o, delimiter, preset: o.preset, maxRejectShare: maxRejects / 100, progress: (db) => progressFor(db.conn) });
      if (o.format === 'json') out.stdout(JSON.stringify(results, null, 2) + '\n');
      else for (const r of results) out.stdout(describeImport(r) + '\n');
      if (results.some((r) => r.status === 'imported' && r.rowsRejected > 0)) setExit(1);
    });

  program
    .command('pull')
    .description('Pull records from a CRM API into the canonical model, page by page, resumably and within its rate limits')
    .addArgument(new Argument('<crm>', 'which CRM').choices([...CONNECTORS.map((c) => c.id), 'kommo']))
    .requiredOption('-s, --source <name>', 'name for where the data came from, e.g. hubspot-eu (kept as lineage)')
    .option('--entities <list>', "the CRM's entities to pull, comma-separated (default: its main ones; see below)", collect)
    .option('--since <date>', 'only records changed since then: YYYY-MM-DD, DD.MM.YYYY or ISO date-time (default: since the last successful pull)', (v: string) => parseSince(v))
    .option('--full', 'read everything, ignoring earlier pulls', false)
    .option('--resume', "continue each entity's unfinished pull after its last committed page (the others: a normal pull)", false)
    .option('--save-raw <dir>', 'also save every page as JSON (re-import offline with crmq import)')
    .option('--base-url <url>', "the API's base URL (default: from the environment, see below)")
    .option('--rate <n>', "requests per second (default: the CRM's documented limit)", positive('--rate'))
    .option('--timeout <s>', 'seconds to wait for one answer', positive('--timeout'), 30)
    .option('--retries <n>', 'retries of one request (rate limits, 5xx, timeouts) before giving up', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new CrmqError(`--retries: "${v}" is not a whole number`);
      return n;
    }, 6)
    .option('--max-wait <s>', 'longest server-ordered wait to sit out before stopping (resume later)', positive('--max-wait'), 900)
    .addOption(dbOption())
    .addOption(formatOption(['text', 'json'], 'text'))
    .addHelpText('after', () =>
      '\nCredentials come from the environment only (NAME, or NAME_FILE holding it):\n' +
      CONNECTORS.map((c) => `  ${c.id}: entities ${Object.keys(c.entities).join(', ')} (default ${c.defaultEntities.join(',')})\n` + c.env.map((e) => `    ${e.name.padEnd(24)} ${e.doc}`).join('\n')).join('\n') +
      '\n',
    )
    .action(async (crm: string, o) => {
      const { pullCommand } = await import('./commands/pull.js');
      const live = process.stderr.isTTY && !process.env.NO_COLOR;
      let results: EntityPull[];
      try {
        results = await pullCommand({
          crm, source: o.source, entities: o.entities, since: o.since, full: o.full, resume: o.resume, saveRaw: o.saveRaw, baseUrl: o.baseUrl,
          rate: o.rate, timeoutMs: o.timeout * 1000, retries: o.retries, maxWaitMs: o.maxWait * 1000, db: o.db,
          onEvent: (e) => {
            // On a terminal, one self-overwriting line of progress; waits and resumes as lines of their own (also in cron logs).
            const clear = live ? '\r\x1b[K' : '';
            if (e.type === 'wait') out.stderr(`${clear}${e.entity}: waiting ${(e.ms / 1000).toFixed(1)} s: ${e.why}\n`);
            else if (e.type === 'start' && e.mode === 'resumed') out.stderr(`${clear}${e.entity}: resuming at page ${e.fromPage}\n`);
            else if (e.type === 'commit' && live) out.stderr(`${clear}${e.entity}: ${e.pages} pages, ${e.records} records`);
          },
        });
      } finally {
        if (live) out.stderr('\r\x1b[K');
      }
      if (o.format === 'json') out.stdout(JSON.stringify(results, null, 2) + '\n');
      else for (const r of results) out.stdout(describePull(r) + '\n');
      if (results.some((r) => r.rejected > 0)) setExit(1);
    });

  program
    .command('sql')
    .description('Run a SQL query against the database and print the rows')
    .argument('<query>', 'SQL, e.g. "select source, count(*) from contacts group by all"')
    .addOption(dbOption())
    .addOption(formatOption(['table', 'csv', 'json'], 'table'))
    .action(async (query: string, o) => {
      const { sqlCommand } = await import('./commands/sql.js');
      printRows(out, await sqlCommand(query, o), o.format);
    });

  program
    .command('imports')
    .description('List import runs: file, preset, rows read / loaded / rejected')
    .addOption(dbOption())
    .addOption(formatOption(['table', 'csv', 'json'], 'table'))
    .action(async (o) => {
      const { importsCommand } = await import('./commands/imports.js');
      printRows(out, await importsCommand(o), o.format);
    });

  program
    .command('pulls')
    .description('List API pulls: CRM, entity, status (running, done, failed, abandoned), pages and records committed')
    .addOption(dbOption())
    .addOption(formatOption(['table', 'csv', 'json'], 'table'))
    .action(async (o) => {
      const { pullsCommand } = await import('./commands/imports.js');
      printRows(out, await pullsCommand(o), o.format);
    });

  program
    .command('rejects')
    .description('List rejected rows with their file, line and reason')
    .option('--import <id>', 'only this import run', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new CrmqError(`--import: "${v}" is not an import id`);
      return n;
    })
    .option('--limit <n>', 'at most this many rows', (v) => Number(v), 100)
    .addOption(dbOption())
    .addOption(formatOption(['table', 'csv', 'json'], 'table'))
    .action(async (o) => {
      const { rejectsCommand } = await import('./commands/imports.js');
      printRows(out, await rejectsCommand(o), o.format);
    });


  program
    .command('check')
    .description('Run the data-quality rules; exit 1 when a rule at or above --fail-on crosses its threshold')
    .option('--select <rules>', 'only these rules: ids, id prefixes, entities, kinds or tags, comma-separated', collect)
    .option('--exclude <rules>', 'leave these out (same forms as --select)', collect)
    .option('--rules <dir>', 'an extra folder of rule files (repeatable)', collect)
    .option('--semantics <file>', 'an extra semantic standard, merged over the shipped one (repeatable)', collect)
    .addOption(new Option('--fail-on <severity>', 'lowest severity that fails the run (default: error, or fail_on in crmq.yaml)').choices(['info', 'warn', 'error']))
    .option('--baseline <file>', 'count only findings not in this baseline')
    .option('--write-baseline <file>', 'write every finding of this run as the new baseline')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'junit', 'csv', 'xlsx', 'markdown', 'github']).default('table'))
    .option('-o, --output <file>', 'write the output to a file (required for xlsx); the summary still goes to the terminal')
    .option('--config <file>', 'project config (default: ./crmq.yaml if present)')
    .addOption(dbOption())
    .action(async (o) => {
      const { checkCommand } = await import('./commands/check.js');
      if (o.format === 'xlsx' && !o.output) throw new CrmqError('--format xlsx needs --output <file.xlsx>');
      const result = await checkCommand({ ...o, failOn: o.failOn });
      const { writeFileSync } = await import('node:fs');
      const render = async (): Promise<string | undefined> => {
        switch (o.format) {
          case 'json': return (await import('./outputs/findings-json.js')).findingsJson(result);
          case 'junit': return (await import('./outputs/findings-junit.js')).findingsJunit(result);
          case 'csv': return (await import('./outputs/findings-csv.js')).findingsCsv(result);
          case 'markdown': return (await import('./outputs/findings-markdown.js')).findingsMarkdown(result);
          case 'github': return (await import('./outputs/findings-github.js')).findingsGithub(result);
          case 'xlsx': await (await import('./outputs/findings-xlsx.js')).findingsXlsx(result, o.output); return undefined;
          default: return (await import('./ui/check-summary.js')).checkSummary(result);
        }
      };
      const text = await render();
      if (o.output && text !== undefined) writeFileSync(o.output, text);
      if (!o.output && text !== undefined) out.stdout(text);
      if (o.output) out.stderr((await import('./ui/check-summary.js')).checkSummary(result).split('\n').slice(-3).join('\n'));
      setExit(result.failed ? 1 : 0);
    });

  const rules = program.command('rules').description('List the rules or show one with its documentation');
  rules
    .command('list')
    .description('Every rule: id, entity, kind, severity, threshold, tags')
    .option('--rules <dir>', 'an extra folder of rule files (repeatable)', collect)
    .option('--config <file>', 'project config (default: ./crmq.yaml if present)')
    .addOption(formatOption(['table', 'csv', 'json'], 'table'))
    .action(async (o) => {
      const { rulesListCommand } = await import('./commands/rules.js');
      printRows(out, rulesListCommand(o), o.format);
    });
  rules
    .command('show')
    .description('One rule: its parameters, why it matters and how to fix what it finds')
    .argument('<id>', 'rule id, e.g. contact.email.format')
    .option('--rules <dir>', 'an extra folder of rule files (repeatable)', collect)
    .option('--config <file>', 'project config (default: ./crmq.yaml if present)')
    .addOption(formatOption(['text', 'json'], 'text'))
    .action(async (id: string, o) => {
      const { rulesShowCommand } = await import('./commands/rules.js');
      const r = rulesShowCommand(id, o);
      if (o.format === 'json') return out.stdout(JSON.stringify(r, null, 2) + '\n');
      out.stdout(
        [
          chalk.bold(r.id), r.description, '',
          `entity:    ${r.entity}`, `kind:      ${r.kind} (${r.kind_description})`, `severity:  ${r.severity}`, `threshold: ${r.fail_if ?? '> 0'}`,
          r.where ? `where:     ${r.where}` : '', `params:    ${JSON.stringify(r.params)}`, `tags:      ${r.tags.join(', ')}`, `file:      ${r.file}`, '',
          chalk.bold('Why it matters'), r.docs.why, '', chalk.bold('How to fix'), r.docs.fix, '',
        ].filter((l, i, a) => l !== '' || a[i - 1] !== '').join('\n') + '\n',
      );
    });

  const reportsCmd = program.command('reports').description('The report catalogue');
  reportsCmd
    .command('list')
    .description('Every report: id, category, title, the inputs it needs and whether the database has them')
    .option('--reports <dir>', 'an extra folder of report definitions (repeatable)', collect)
    .addOption(dbOption())
    .addOption(formatOption(['table', 'csv', 'json'], 'table'))
    .action(async (o) => {
      const { reportsListCommand } = await import('./commands/report.js');
      printRows(out, await reportsListCommand(o), o.format);
    });

  program
    .command('report')
    .description('Run validated reports: each proves its totals (reconcile, grain, coverage, time window, currency, attribution)')
    .argument('[ids...]', 'report ids (see `crmq reports list`)')
    .option('--category <name>', 'every report of a category: strategic, operational, advertising, employees, analytical, budget, quality')
    .option('--all', 'every report')
    .option('--from <date>', 'period start, YYYY-MM-DD (default: first day of last full month)')
    .option('--to <date>', 'period end, YYYY-MM-DD (default: last day of last full month, or --as-of with --from)')
    .option('--as-of <date>', 'the date balances and open items are taken at (default: today)')
    .option('--param <name=value>', 'a report parameter, e.g. currency=RUB (repeatable)', (v: string, prev: Record<string, string> = {}) => {
      const i = v.indexOf('=');
      if (i < 1) throw new CrmqError(`--param: "${v}" is not name=value`);
      return { ...prev, [v.slice(0, i)]: v.slice(i + 1) };
    })
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'xlsx', 'html', 'json', 'md']).default('table'))
    .option('--out <dir>', 'write files here instead of printing (required for xlsx, and for csv of several reports)')
    .addOption(new Option('--lang <lang>', 'language of every label').choices(['en', 'ru']).default('en'))
    .addOption(new Option('--fail-on <status>', 'exit 1 when a report is at least this bad').choices(['invalid', 'warning']))
    .option('--sql', 'print the setup and SQL of one report, to run by hand in the duckdb shell')
    .option('--reports <dir>', 'an extra folder of report definitions (repeatable)', collect)
    .option('--config <file>', 'project config (default: ./crmq.yaml if present)')
    .addOption(dbOption())
    .action(async (ids: string[], o) => {
      const { reportCommand, reportSqlCommand } = await import('./commands/report.js');
      if (o.sql) {
        if (ids.length !== 1) throw new CrmqError('--sql takes exactly one report id');
        out.stdout((await reportSqlCommand(ids[0], { ...o, params: o.param })) + '\n');
        return;
      }
      const run = await reportCommand({ ...o, ids, params: o.param, failOn: o.failOn });
      if (o.format === 'table') {
        const { reportTable } = await import('./ui/report-table.js');
        for (const r of run.results) out.stdout(reportTable(r, o.lang) + '\n');
      } else if (run.text !== undefined) out.stdout(run.text);
      for (const f of run.files) out.stderr(`wrote ${f}\n`);
      const bad = run.results.filter((r) => r.status !== 'valid');
      if (o.format !== 'table') out.stderr(`${run.results.length} reports: ${run.results.length - bad.length} valid, ${bad.filter((r) => r.status === 'warning').length} with warnings, ${bad.filter((r) => r.status === 'invalid').length} invalid\n`);
      if (run.failed) setExit(1);
    });

  program
    .command('dedupe')
    .description('Duplicate clusters (fuzzy, across CRMs, Cyrillic and Latin) for review, and a merge plan')
    .addOption(new Option('-e, --entity <entity>', 'what to deduplicate; people = contacts and leads together').choices(['contacts', 'leads', 'companies', 'people']).default('contacts'))
    .option('--export <file>', 'write a merge plan: .csv (the survivors, importable with --preset canonical) or .xlsx (survivors and merges)')
    .option('--prefer <sources>', 'source priority for choosing the survivor, comma-separated', collect)
    .option('--threshold <p>', 'match probability for a link (default per entity type)', Number)
    .option('--em <rounds>', 'learn the m probabilities from this data with EM (default 0: the level priors)', Number)
    .option('--config <file>', 'project config (default: ./crmq.yaml if present)')
    .addOption(dbOption())
    .addOption(formatOption(['table', 'json'], 'table'))
    .action(async (o) => {
      const { dedupeCommand } = await import('./commands/dedupe.js');
      const r = await dedupeCommand({ db: o.db, entity: o.entity, export: o.export, prefer: o.prefer, threshold: o.threshold, em: o.em, config: o.config });
      if (o.format === 'json') out.stdout(JSON.stringify({ records: r.records, candidate_pairs: r.candidatePairs, clusters: r.clusters }, null, 2) + '\n');
      else {
        const rows = r.clusters.flatMap((c) => c.members.map((m, i) => ({ cluster: i === 0 ? c.cluster : '', score: i === 0 ? Number(c.score.toFixed(3)) : null, matched: i === 0 ? c.matched : '', record: `${m.entity} ${m.source}:${m.source_id}`, name: m.label })));
        out.stdout(`${r.records} records, ${r.candidatePairs} candidate pairs, ${r.clusters.length} duplicate clusters\n`);
        if (rows.length) out.stdout(renderTable(rows, undefined, { maxWidth: 60 }) + '\n');
      }
      if (r.file) out.stderr(`wrote ${r.file}\n`);
    });

  program
    .command('find')
    .description('Fuzzy lookup over contacts, leads and companies (Cyrillic and Latin, phones, e-mails)')
    .argument('<query>', 'e.g. "Иванов Сергей", "ivanov@mail.ru", "+7 912 345"')
    .option('--limit <n>', 'at most this many results', Number, 10)
    .addOption(dbOption())
    .addOption(formatOption(['table', 'json'], 'table'))
    .action(async (query: string, o) => {
      const { findCommand } = await import('./commands/find.js');
      printRows(out, await findCommand(query, o), o.format);
    });

  program
    .command('run')
    .description('Run a pipeline file (import, check, report, deliver) under a lock; exit 0 good, 1 data problems, 2 the run failed')
    .argument('<pipeline>', 'pipeline file, e.g. crmq.pipeline.yaml (docs/pipelines.md)')
    .option('--dry-run', 'write the mails as .eml files under <out>/mail instead of sending them')
    .option('--log <file>', 'append the JSON-lines log here instead of stderr')
    .action(async (file: string, o) => {
      const { runCommand } = await import('./commands/run.js');
      const r = await runCommand(file, { dryRun: o.dryRun, log: o.log, write: out.stderr });
      if (r.exitCode === 2) throw new CrmqError(r.error ?? 'the run failed');
      for (const m of r.mails) out.stdout(`${m.skipped ? 'skipped' : o.dryRun ? 'wrote' : 'sent'} mail to ${m.to.join(', ')}: ${m.subject}${m.file ? ` (${m.file})` : ''}${m.skipped ? ` (${m.skipped})` : ''}\n`);
      setExit(r.exitCode);
    });

  program
    .command('demo')
    .description('Build a fresh database from the sample exports in fixtures/sample, check it and write every report to out/')
    .option('--out <dir>', 'output folder', 'out')
    .addOption(new Option('--db <path>', 'database file to (re)create').default(undefined, '<out>/demo.duckdb'))
    .addOption(new Option('--lang <lang>', 'language of the reports').choices(['en', 'ru']).default('en'))
    .action(async (o) => {
      const { demoCommand } = await import('./commands/demo.js');
      const res = await demoCommand({ out: o.out, db: o.db, lang: o.lang, log: (s) => out.stdout(s + '\n') });
      setExit(res.exitCode);
    });

  return program;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: string[], out: Out = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }): Promise<number> {
  if (process.env.NO_COLOR || !process.stdout.isTTY) chalk.level = 0;
  let code = 0;
  const program = buildProgram(out, (c) => (code = Math.max(code, c)));
  program.exitOverride();
  for (const sub of program.commands) sub.exitOverride();
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2; // commander has already printed the one-line usage error
    }
    if (err instanceof CrmqError) {
      out.stderr(`crmq: ${err.message}\n`);
      return err.code;
    }
    out.stderr(`crmq: internal error (a bug; please report it):\n${(err as Error).stack ?? String(err)}\n`);
    return 2;
  }
}
