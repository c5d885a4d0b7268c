// Renders docs/model.md from tables.ts, so the documentation cannot drift from the schema.
import { sqlType } from './ddl.js';
import { LINEAGE, TABLES, type TableDef } from './tables.js';

export function modelMarkdown(): string {
  const lines = [
    '# The canonical model',
    '',
    'Every import lands in these DuckDB tables, whatever CRM and locale the file came from.',
    'Generated from `src/model/tables.ts` by `npm run docs`; a test fails when this file is stale.',
    '',
    '## Lineage: on every row of every table',
    '',
    '| column | type | meaning |',
    '|---|---|---|',
    ...Object.entries(LINEAGE).map(([c, f]) => `| \`${c}\` | ${c === 'extra' ? 'JSON' : sqlType(f.type)} | ${f.doc} |`),
    '',
    'A record is identified by `(source, source_id)`: importing a newer export of the same source replaces the',
    'rows it holds again (upsert); `crmq import --replace` swaps the whole source.',
    '',
    'Identity fields (people: `birth_date`, `national_id`, `tax_id`, `address`, `postcode`; companies: `inn`, `kpp`, `ogrn`,',
    '`vat_id`, `duns`, `address`, `postcode`, `website`) tell one person or organisation from another when names coincide;',
    '`crmq dedupe` compares every one the data holds (docs/dedupe.md). A database made by an older crmq gains new columns',
    '(NULL in its old rows) the next time it is opened.',
    '',
    '## Bookkeeping',
    '',
    '- `imports`: one row per import run: file, sha256, preset, entity, encoding, delimiter, rows read / loaded / rejected / replaced,',
    '  format decisions and warnings (JSON), start and end. For every import, `rows_read = rows_loaded + rows_rejected`.',
    '- `rejects`: every rejected input row: import, file, row number, reason and the raw text.',
    '',
  ];
  for (const [name, def] of Object.entries(TABLES) as [string, TableDef][]) {
    lines.push(`## \`${name}\``, '', def.doc, '', '| column | type | meaning |', '|---|---|---|');
    for (const [c, f] of Object.entries(def.fields)) lines.push(`| \`${c}\` | ${sqlType(f.type)} | ${f.doc} |`);
    lines.push('');
  }
  return lines.join('\n');
}
