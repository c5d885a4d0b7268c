// docs/connectors.md, generated from the connector definitions so it cannot drift from them.
import { CONNECTORS } from './connectors/index.js';

export function connectorsMarkdown(): string {
  const parts = [
    '# Connectors',
    '',
    'Generated from `src/pull/connectors/*.ts` by `npm run docs`; how pulls behave is in [pull.md](pull.md).',
    'Credentials come from the environment only: `NAME`, or `NAME_FILE` naming a file that holds the value.',
    '',
  ];
  for (const c of CONNECTORS) {
    parts.push(`## ${c.label} (\`crmq pull ${c.id}\`)`, '');
    parts.push(`- Entities (→ canonical table): ${Object.entries(c.entities).map(([e, t]) => `\`${e}\` → ${t}`).join(', ')}.`);
    parts.push(`- Pulled by default: ${c.defaultEntities.map((e) => `\`${e}\``).join(', ')}.`);
    parts.push(`- Pace: ${c.rate} requests/s${c.incrementalRate ? ` (${c.incrementalRate}/s for incremental pulls)` : ''}; \`--rate\` overrides it.`);
    parts.push(`- Token needs: ${c.scopes}.`, '');
    parts.push('| Variable | What |', '|---|---|', ...c.env.map((e) => `| \`${e.name}\` | ${e.doc} |`), '');
  }
  return parts.join('\n');
}
