// `npm run docs`: rewrites docs/model.md.
import { writeFileSync } from 'node:fs';
import { modelMarkdown } from './docs.js';

writeFileSync(new URL('../../docs/model.md', import.meta.url), modelMarkdown());
console.log('wrote docs/model.md');
