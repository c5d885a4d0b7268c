// Installable: `npm pack` → `npm install <tarball>` in an empty folder → `npx crmq demo`, as a user without the
// repository would. In the heavy suite, when CI or CRMQ_INSTALL_TEST=1 is set (.ci/run sets it): it installs ~300
// packages (from the npm cache when they are there, which `npm ci` has just filled in CI) and takes a minute or two.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tmp } from './helpers.js';

const enabled = Boolean(process.env.CI || process.env.CRMQ_INSTALL_TEST);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function sh(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 26 });
  expect(r.status, `${cmd} ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

describe.skipIf(!enabled)('the npm package', () => {
  it('packs, installs into an empty folder and runs `npx crmq demo`', { timeout: 900_000 }, () => {
    const dir = tmp();
    // dist/ is already built (test/global-setup.ts), so the prepare script need not run again.
    sh(npm, ['pack', '--ignore-scripts', '--pack-destination', dir, '--silent'], ROOT);
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const tarball = join(dir, `crmq-${version}.tgz`);
    expect(existsSync(tarball)).toBe(true);
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    sh(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], app);
    // Only what the package ships: no sources, tests or tsx at run time.
    const pkg = join(app, 'node_modules/crmq');
    expect(readdirSync(pkg).sort()).toEqual(['README.md', 'bin', 'dist', 'docs', 'fixtures', 'package.json', 'reports', 'rules']);
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(false);
    expect(sh('npx', ['--no-install', 'crmq', '--version'], app).trim()).toBe(version);
    const demo = sh('npx', ['--no-install', 'crmq', 'demo', '--out', 'out'], app);
    expect(demo).toMatch(/reports: 23 \(/);
    for (const f of ['demo.duckdb', 'check.json', 'reports.html', 'reports.xlsx']) expect(existsSync(join(app, 'out', f)), f).toBe(true);
    const rows = JSON.parse(sh('npx', ['--no-install', 'crmq', 'sql', 'select count(*) AS n from contacts', '--db', 'out/demo.duckdb', '--format', 'json'], app)) as { n: number }[];
    expect(rows[0].n).toBeGreaterThan(100);
  });
});
