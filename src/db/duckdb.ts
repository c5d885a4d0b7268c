// @duckdb/node-api, loaded with require rather than import: it is CommonJS, and Node 20's ESM loader runs its
// export lexer over each of the package's files that `import` pulls in (about 0.5 s of every command's start-up;
// `npm run bench:startup`). Types still come from `import type '@duckdb/node-api'`.
import { createRequire } from 'node:module';

export const duckdb = createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');
