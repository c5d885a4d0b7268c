// `npm run docs`: rewrites the generated docs (docs/model.md, docs/reports.md, docs/connectors.md).
import { writeFileSync } from 'node:fs';
import { reportsMarkdown } from './reports/docs.js';
import { loadReports, SHIPPED_REPORTS } from './reports/load-reports.js';
import { modelMarkdown } from './model/docs.js';
import { connectorsMarkdown } from './pull/docs.js';

writeFileSync(new URL('../docs/model.md', import.meta.url), modelMarkdown());
writeFileSync(new URL('../docs/reports.md', import.meta.url), reportsMarkdown(loadReports([SHIPPED_REPORTS])));
writeFileSync(new URL('../docs/connectors.md', import.meta.url), connectorsMarkdown());
console.log('wrote docs/model.md, docs/reports.md and docs/connectors.md');
