// Renders docs/reports.md from the shipped report definitions: title, description, formula, inputs, and per report
// what its validations can catch and what they cannot.
import { BASE_TABLES, OUTLIER_RATIO } from './base-rows.js';
import { sums, type ReportDef } from './report-def.js';
import { DOMINANCE_MIN_ROWS } from './validations/dominance.js';

const list = (xs: string[]) => xs.map((x) => `\`${x}\``).join(', ');

/** What a report's validations notice, one line each, from its definition. */
function canCatch(d: ReportDef): string[] {
  const v = d.validations;
  const out: string[] = [];
  for (const r of v.reconcile) out.push(`reconcile: ${typeof r.label === 'object' ? r.label.en : r.label ?? r.column}${r.by.length ? ` (per ${r.by.join(', ')})` : ''} against an independent query over one row per record, so a record loaded twice, lost, or counted by a join more than once shows as a difference`);
  for (const f of v.fanout) out.push(`fan-out: \`${f.column}\` equals the number of distinct base records`);
  for (const p of v.parts) out.push(`parts: \`${p.total}\` = ${p.parts.map((x) => `\`${x}\``).join(' + ')} on every row`);
  out.push(`grain: one row per ${list(d.key)}`);
  for (const [entity, s] of Object.entries(d.scope)) {
    const b = BASE_TABLES[entity];
    const checks = new Set(s.checks);
    if (checks.has('coverage')) {
      const reasons = s.exclude.map((e) => `${e.en}${e.rule ? ` (\`${e.rule}\`)` : ''}`);
      out.push(`coverage of ${entity}: rows with error findings of the latest \`crmq check\`${reasons.length ? `, and rows left out: ${reasons.join('; ')}` : ''}; each row once, shares of the rows${s.amount ? ' and, per currency, of the amount' : ''}`);
    }
    if (checks.has('duplicates') && b) {
      const how = s.duplicates === 'ids' ? 'the same id twice' : s.duplicates === 'collapsed' ? 'twins (which the report counts once, by design)'
        : `the same id twice, or rows of one source equal in ${b.same.join(', ')} (${b.conclusive ? 'proof' : 'likely: two equal lines can be real'})${b.across ? '; across sources, the same amount, date and counterpart' : ''}`;
      out.push(`duplicates in ${entity}: ${how}${s.amount ? ', with the share of the total the copies carry' : ''}`);
    }
    if (checks.has('outliers') && s.amount && b?.amount) out.push(`outliers in ${entity}: amounts ${OUTLIER_RATIO}× their currency's median or more, left out of the sums with the total they would make (\`--param outliers=include\` keeps them, invalid)`);
    if (checks.has('dominance') && s.amount) out.push(`dominance in ${entity}: one record above ${Math.round(v.dominance * 100)}% of a currency's total (or three above ${Math.round(Math.min(0.95, v.dominance + 0.3) * 100)}%), with the total without it`);
    if (checks.has('window') && s.dates.length) out.push(`window of ${entity}: a ${s.grain} of the period with no ${s.dates.map((x) => (typeof x === 'string' ? x : x.field)).join(' or ')} in a source that typically has 5 or more rows a ${s.grain}; data that stops before the period ends`);
  }
  const fromCols = Object.entries(d.columns).filter(([, c]) => c.from);
  out.push(`inputs: ${d.inputs.join(', ')} with no rows${Object.values(d.scope).some((s) => s.period) ? ' (or none dated in the period)' : ''}${fromCols.length ? `: ${list(fromCols.map(([k]) => k))} say "no data", not 0` : ''}`);
  for (const c of v.currency) out.push(c.grouped ? `currency of ${c.entity}: rows without a currency; amounts stay apart per currency` : `currency of ${c.entity}: one currency summed; the rows of others left out, with their amounts; a currency the data does not have`);
  if (v.findings ?? Object.keys(d.scope).length > 0) out.push('findings: no check has run, or an input was imported after the latest check');
  return out;
}

/** What they cannot notice: the limits of each kind of check the report has, then the report's own. */
function cannotCatch(d: ReportDef): string[] {
  const out: string[] = [];
  const scopes = Object.entries(d.scope);
  if (d.inputs.includes('deals')) out.push('a deal\'s amount on the as-of date: crmq keeps no history of amounts, so every report uses the current amount (stages and statuses come from the stage history)');
  if (d.validations.reconcile.length || d.validations.fanout.length) out.push('a wrong value in a base row (a mistyped date, an amount off by less than the outlier ratio): reconcile proves the arithmetic, not the data');
  if (scopes.some(([, s]) => s.checks.includes('duplicates'))) out.push('a record entered twice with any identifying field different (another minute, a typo in the title)');
  if (scopes.some(([e, s]) => s.checks.includes('duplicates') && BASE_TABLES[e] && !BASE_TABLES[e].across && s.duplicates === 'content')) {
    out.push(`the same record in two sources for ${scopes.filter(([e]) => BASE_TABLES[e] && !BASE_TABLES[e].across).map(([e]) => e).join(', ')} (compared across sources: deals, invoices, transactions)`);
  }
  if (scopes.some(([, s]) => s.checks.includes('coverage'))) out.push('problems only warn-level rules find, and rows the latest check did not judge (`crmq check --select` runs fewer rules)');
  if (scopes.some(([, s]) => s.amount && s.checks.includes('outliers'))) out.push(`an amount wrong by less than ${OUTLIER_RATIO}× its currency's median (one extra zero), or in a currency with fewer than 5 amounts`);
  if (scopes.some(([, s]) => s.amount && s.checks.includes('dominance'))) out.push(`a record dominating one row or bucket rather than a currency's total; totals of fewer than ${DOMINANCE_MIN_ROWS} records`);
  if (scopes.some(([, s]) => s.dates.length && s.checks.includes('window'))) out.push('a quiet month of a sparse source told from missing data (sources under 5 rows a typical month are not judged); part of a month missing');
  if (!Object.values(d.columns).some((c) => sums(c))) out.push('(no column sums: there is no Total row)');
  return [...out, ...(d.blind_spots ?? []).map((b) => b.en)];
}

export function reportsMarkdown(defs: ReportDef[]): string {
  const lines = [
    '# The report catalogue',
    '',
    'Generated from `reports/*.yaml` by `npm run docs`; a test fails when this file is stale. Every report is `<id>.sql` (plain',
    'DuckDB SQL; `crmq report <id> --sql` prints it with its setup, ready for the duckdb shell) and `<id>.yaml`.',
    '',
    '```',
    'crmq reports list',
    'crmq report manager-ranking --from 2026-10-01 --to 2026-10-31',
    'crmq report manager-ranking --from 2026-10-01 --to 2026-10-31 --compare previous-period   # each figure beside September\'s (docs/drift.md)',
    'crmq report --category advertising --format xlsx --out out/',
    'crmq report --all --format html --lang ru --out out/ --fail-on invalid',
    '```',
    '',
    'The period defaults to the last full calendar month before `--as-of` (today). Validations run with every report; each',
    'gives `valid`, `warning` or `invalid` with plain words, and the worst is the report\'s status, shown in the terminal, in the',
    'first rows of each XLSX sheet and a Validation sheet, in an HTML banner and in the JSON. `--fail-on invalid` exits 1.',
    '',
    '## What every report can rely on',
    '',
    '- **A point in time.** Reports read deals as they stood on the as-of date (`crmq_deals_as_of`): a deal won after it is',
    '  open, in the stage its history had then; the current stage and status only where nothing recorded later contradicts',
    '  them. Stage visits (`crmq_stage_visits`) stop at the as-of date too, and leave out history of deals that are not there.',
    '- **One row per record, declared once.** `src/reports/base-rows.ts` says what makes two rows of a table the same record;',
    '  the independent queries of reconcile and fan-out count and sum distinct records (`crmq_record` of `crmq_base_<table>`),',
    '  so a duplicated row makes the report and its check disagree.',
    `- **Implausible amounts left out.** An amount ${OUTLIER_RATIO}× its table's median in the same currency or more is a typo:`,
    '  reports leave it out of their sums (the row still counts) and say what the total would be with it; `--param',
    '  outliers=include` keeps it and makes the report invalid.',
    '- **Totals that add up only what adds up.** Each column declares whether it sums (`sum: true`: counts and money);',
    '  Total rows (XLSX, HTML, markdown, terminal, mail) are per currency and per each `total_by` column (the attribution',
    '  model, the direction of money), and ratios, averages, orders and years never get one. Charts put each currency on',
    '  its own axis. A column whose input has no data for the period says "no data", never 0.',
    '',
    '| validation | what it proves |',
    '|---|---|',
    '| reconcile | the report\'s total equals an independent query over one row per record (per currency where it applies); `parts`: a row\'s total is the sum of its parts |',
    '| grain | the key is unique, and count columns equal the number of distinct base records (a join that fans out fails here) |',
    '| coverage | per input: rows with error-level findings of the latest `crmq check`, and rows left out, each reason with its rule id, each row once; shares of the rows and, per currency, of the amount |',
    '| duplicates | per input: the same record twice within a source (same id, or equal identifying fields), or in two sources (same amount, date and counterpart); how much of the total the copies carry |',
    '| outliers | per input: amounts left out as implausible, and the total they would make |',
    '| dominance | per input: one record (or three) carrying most of a currency\'s total, and the total without it |',
    '| window | per input and date: every source dense enough to have data each month (day) has it throughout the period; none stops short of its end |',
    '| currency | no sum mixes currencies: kept apart per currency, or one currency with the others left out and said so |',
    '| inputs | an input with no rows (or none in the period): its columns say "no data" |',
    '| findings | the findings coverage uses are newer than the last import of every input |',
    '',
    'The mutation suite (`test/reports/mutations.heavy.test.ts`, in `npm run test:heavy`, which CI runs after `npm test`) proves these can fail: it plants one fault at a time in',
    'a dataset where every report is valid (a duplicated row per base table, a foreign currency, a missing month, an amount',
    '×10^6, a deal closed before it was created, orphan history, a missing input, stale findings) and requires, for every',
    'report reading the faulted table, that its figures stay the same or its status changes.',
    '',
  ];
  for (const cat of [...new Set(defs.map((d) => d.category))]) {
    lines.push(`## ${cat}`, '');
    for (const d of defs.filter((x) => x.category === cat)) {
      lines.push(
        `### \`${d.id}\`: ${d.title.en} (${d.title.ru})`, '', d.description.en, '',
        `- **Formula:** ${d.formula.en}`, `- **Inputs:** ${d.inputs.join(', ')}`, `- **Row key:** ${d.key.join(', ')}`,
        `- **Columns:** ${Object.entries(d.columns).map(([k, c]) => `\`${k}\` (${c.type}${sums(c) ? ', sums' : ''})`).join(', ')}`,
        `- **Totals:** ${Object.values(d.columns).some((c) => sums(c)) ? `per ${[...(Object.values(d.columns).some((c) => c.type === 'currency') ? ['currency'] : []), ...d.total_by].join(' and ') || 'report'}` : 'none'}`,
        ...(Object.keys(d.params).length ? [`- **Parameters:** ${Object.entries(d.params).map(([k, v]) => `\`${k}\` (default ${v ?? 'auto'})`).join(', ')}`] : []),
        '- **Its validations catch:**', ...canCatch(d).map((x) => `  - ${x}`),
        '- **They cannot catch:**', ...cannotCatch(d).map((x) => `  - ${x}`),
        '',
      );
    }
  }
  return lines.join('\n');
}
