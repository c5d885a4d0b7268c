// What the terminal shows of one import: counts, rejects with their lines, formats, unparsed values.
import chalk from 'chalk';
import type { ImportResult } from '../import/import-file.js';

export function describeImport(r: ImportResult): string {
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
  return lines.join('\n');
}
