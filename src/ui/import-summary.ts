// What the terminal shows of one import: counts, rejects with their lines, formats, unparsed values.
import chalk from './chalk.js';
import type { ImportChanges } from '../drift/import-changes.js';
import type { ImportResult } from '../import/import-file.js';
import type { LakeImportResult } from '../lake/import-lake.js';

export function describeImport(r: ImportResult & { changes?: ImportChanges }): string {
  const head = `${chalk.bold(r.file.split('/').pop()!.replace(/\r?\n|\r/g, '\\n'))} → ${r.entity} [${r.preset}, ${r.encoding}, '${r.delimiter === '\t' ? '\\t' : r.delimiter}']`;
  if (r.status === 'unchanged') {
    const again = [`${head}: already imported as import #${r.importId} (same file, same source); nothing to do`];
    if (r.rowsRejected) again.push(chalk.red(`  it had ${r.rowsRejected} rejected rows: see \`crmq rejects --import ${r.importId}\``));
    return again.join('\n');
  }
  const parts = [`read ${r.rowsRead}`, chalk.green(`loaded ${r.rowsLoaded}`), r.rowsRejected ? chalk.red(`rejected ${r.rowsRejected}`) : 'rejected 0'];
  if (r.rowsReplaced) parts.push(`replaced ${r.rowsReplaced}`);
  const lines = [`${head}: ${parts.join(', ')} (import #${r.importId})`];
  if (r.headerWarning) lines.push(chalk.yellow(`  warning: ${r.headerWarning}`));
  for (const s of r.rejectSample) lines.push(chalk.red(`  row ${s.line}: ${s.reason}`));
  if (r.rowsRejected > r.rejectSample.length) lines.push(`  … see \`crmq rejects --import ${r.importId}\``);
  for (const n of r.notes) lines.push(chalk.yellow(`  ${n}`));
  if (r.padded) lines.push(chalk.dim(`  ${r.padded} short rows padded with empty trailing fields`));
  const fmts = Object.entries(r.formats).map(([c, f]) => `${c}: ${f}`);
  if (fmts.length) lines.push(chalk.dim(`  formats: ${fmts.join('; ')}`));
  const unparsed = Object.entries(r.unparsed).map(([f, n]) => `${f} ${n}`);
  if (unparsed.length) lines.push(chalk.yellow(`  unparsed values kept in extra: ${unparsed.join(', ')}`));
  if (r.unmapped.length) lines.push(chalk.dim(`  kept in extra (no canonical field): ${r.unmapped.slice(0, 8).join(', ')}${r.unmapped.length > 8 ? ` +${r.unmapped.length - 8}` : ''}`));
  if (r.changes?.differs) lines.push(...describeChanges(r.changes, r.entity));
  return lines.join('\n');
}

const list = (xs: string[], max = 5) => xs.slice(0, max).map((x) => `"${x}"`).join(', ') + (xs.length > max ? ` +${xs.length - max}` : '');
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** What differs from the previous export of the same source and entity, in a few lines. */
export function describeChanges(c: ImportChanges, entity: string): string[] {
  const d = c.rows.after - c.rows.before;
  const share = c.rows.before ? ` (${signed(Math.round((1000 * d) / c.rows.before) / 10)}%)` : '';
  const lines = [
    `  since import #${c.previous}: ${c.rows.before} → ${c.rows.after} ${entity}${d ? share : ''}; ${c.new} new, ${c.sample < 1 ? 'about ' : ''}${c.changed} changed, ${c.gone} gone`,
  ];
  const cols = [
    ...c.columns.renamed.map((r) => `"${r.from}" → "${r.to}"? (${Math.round(r.similarity * 100)}% of values alike)`),
    ...(c.columns.removed.length ? [`removed ${list(c.columns.removed)}`] : []),
    ...(c.columns.added.length ? [`added ${list(c.columns.added)}`] : []),
  ];
  if (cols.length) lines.push(chalk.yellow(`  columns: ${cols.join('; ')}`));
  if (c.fill.length) lines.push(`  filled: ${c.fill.slice(0, 6).map((f) => `${f.field} ${f.before}% → ${f.after}%`).join(', ')}${c.fill.length > 6 ? ` +${c.fill.length - 6}` : ''}`);
  for (const v of c.values) {
    const parts = [...(v.added.length ? [`new ${list(v.added)}`] : []), ...(v.vanished.length ? [`gone ${list(v.vanished)}`] : [])];
    lines.push(`  ${v.field}: ${parts.join('; ')}`);
  }
  if (c.older) lines.push(chalk.red(`  newest updated_at ${c.older.after}, older than the previous export's ${c.older.before}: an older export?`));
  lines.push(chalk.dim('  (crmq check --select drift judges these; crmq history shows every import)'));
  return lines;
}

/** What the terminal shows of one lake read back. */
export function describeLakeImport(r: LakeImportResult): string {
  const rows = r.tables.reduce((a, t) => a + t.rows, 0);
  const lines = [
    `${chalk.bold(r.lake.split('/').pop())} → lake of crmq ${r.crmqVersion}, exported ${r.exportedAt}: ${chalk.green(`loaded ${rows} rows`)} into ${r.tables.filter((t) => t.rows > 0).length} tables` +
      (r.sources.length ? ` (sources ${r.sources.join(', ')})` : ''),
  ];
  for (const t of r.tables.filter((x) => x.rows > 0)) lines.push(chalk.dim(`  ${t.name}: ${t.rows}`));
  if (r.rowsReplaced) lines.push(`  replaced ${r.rowsReplaced} rows of the same sources`);
  if (r.idOffset) lines.push(chalk.dim(`  import and pull ids shifted by ${r.idOffset} (this database had imports already)`));
  if (r.findings === 'skipped') lines.push(chalk.yellow('  check runs and findings not read: this database has its own; run `crmq check` again'));
  return lines.join('\n');
}
