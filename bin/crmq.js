#!/usr/bin/env node
// The crmq command: runs the compiled CLI in dist/ (built by `npm run build`; `npm ci` and `npm pack` build it
// through the prepare script), so nothing is transpiled at run time.
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli.js')) throw err;
  process.stderr.write('crmq: the compiled CLI (dist/) is missing: run `npm run build` in the crmq folder\n');
  process.exit(2);
}
process.exitCode = await cli.main(process.argv);
