// Renders docs/reports.md from the shipped report definitions (title, description, formula, inputs, validations).
import type { ReportDef } from './report-def.js';

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
    'crmq report --category advertising --format xlsx --out out/',
    'crmq report --all --format html --lang ru --out out/ --fail-on invalid',
    '```',
    '',
    'The period defaults to the last full calendar month before `--as-of` (today). Validations run with every report; each',
    'gives `valid`, `warning` or `invalid` with plain words, and the worst is the report\'s status, shown in the terminal, in the',
    'first rows of each XLSX sheet and a Validation sheet, in an HTML banner and in the JSON. `--fail-on invalid` exits 1.',
    '',
    '| validation | what it proves |',
    '|---|---|',
    '| reconcile | the report\'s total equals an independent query over the base table (per currency where it applies); `parts`: a row\'s total is the sum of its parts |',
    '| grain | the key is unique, and count columns equal the number of distinct base rows (a join that fans out fails here) |',
    '| coverage | how many input rows have error-level findings of the latest `crmq check`, or were left out (another currency, an unmapped stage), and their share of the amount |',
    '| window | every source dense enough to have data each month has it throughout the period; no source stops short of its end |',
    '| currency | no sum mixes currencies; rows without one are counted |',
    '| attribution | the range of ROMI across the attribution models, per channel |',
    '',
  ];
  for (const cat of [...new Set(defs.map((d) => d.category))]) {
    lines.push(`## ${cat}`, '');
    for (const d of defs.filter((x) => x.category === cat)) {
      const checks = [
        ...d.validations.reconcile.map(() => 'reconcile'), ...d.validations.parts.map(() => 'parts'), 'grain', ...d.validations.fanout.map(() => 'fan-out'),
        ...(Object.keys(d.scope).length ? ['coverage', 'duplicates', 'window'] : []),
        ...(d.validations.currency.length ? ['currency'] : []),
      ];
      lines.push(
        `### \`${d.id}\`: ${d.title.en} (${d.title.ru})`, '', d.description.en, '',
        `- **Formula:** ${d.formula.en}`, `- **Inputs:** ${d.inputs.join(', ')}`, `- **Row key:** ${d.key.join(', ')}`,
        `- **Columns:** ${Object.entries(d.columns).map(([k, c]) => `\`${k}\` (${c.type})`).join(', ')}`,
        `- **Validations:** ${[...new Set(checks)].join(', ')}`,
        ...(Object.keys(d.params).length ? [`- **Parameters:** ${Object.entries(d.params).map(([k, v]) => `\`${k}\` (default ${v ?? 'auto'})`).join(', ')}`] : []),
        '',
      );
    }
  }
  return lines.join('\n');
}
