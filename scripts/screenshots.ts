// `npm run screenshots`: what an analyst sees, as images in out/screenshots/ (or --out <dir>): the Russian and English
// HTML reports at 1400 and 400 px, the first pages of the XLSX as LibreOffice prints them, and the pipeline's mail at
// 400 and 1400 px; and the size chart text is shown at in the HTML at 1400 and 400 px (chart-text.txt). Built from the demo data with the compiled CLI (npm run build first).
// Tools (Debian): chromium (apt-get install -y chromium); for the XLSX pages libreoffice-calc-nogui and poppler-utils
// (pdftoppm). A missing tool is named and its pictures skipped.
import { simpleParser } from 'mailparser';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'crmq.js');
const { values } = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log('npm run screenshots [-- --out <dir>]: HTML at 1400 and 400 px (ru, en), XLSX pages, the mail; default out/screenshots');
  process.exit(0);
}
const out = resolve(values.out ?? join(ROOT, 'out', 'screenshots'));
mkdirSync(out, { recursive: true });
const written: string[] = [];
const which = (...names: string[]) => names.find((n) => spawnSync('sh', ['-c', `command -v ${n}`]).status === 0);

function run(cmd: string, args: string[], env: Record<string, string> = {}): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 1 << 26 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}

// 1. The outputs: the demo in Russian, the catalogue in English, the pipeline's mail as a dry run.
const demo = join(out, 'demo-ru');
run(process.execPath, [BIN, 'demo', '--out', demo, '--lang', 'ru']);
const db = join(demo, 'demo.duckdb');
const en = join(out, 'reports-en');
run(process.execPath, [BIN, 'report', '--all', '--format', 'html', '--out', en, '--db', db, '--from', '2026-01-01', '--to', '2026-10-31', '--as-of', '2026-11-20']);
const pipeline = join(out, 'pipeline');
rmSync(pipeline, { recursive: true, force: true });
run(process.execPath, [BIN, 'run', join(ROOT, 'fixtures', 'demo.pipeline.yaml'), '--dry-run'], { CRMQ_DB: join(pipeline, 'crm.duckdb'), CRMQ_OUT: pipeline });
const eml = readdirSync(join(pipeline, 'mail')).find((f) => f.endsWith('.eml'))!;
const mail = await simpleParser(readFileSync(join(pipeline, 'mail', eml)));
let html = mail.html || `<pre>${mail.text ?? ''}</pre>`;
for (const a of mail.attachments) if (a.cid) html = html.replaceAll(`cid:${a.cid}`, `data:${a.contentType};base64,${a.content.toString('base64')}`);
const mailHtml = join(out, 'mail.html');
writeFileSync(mailHtml, `<!doctype html><meta charset="utf-8"><title>${mail.subject ?? ''}</title><p><b>${mail.subject ?? ''}</b></p>${html}`);

// 2. Chromium, headless, a fresh profile each time.
const chromium = which('chromium', 'chromium-browser', 'google-chrome');
function shoot(file: string, name: string, width: number, height: number): void {
  const profile = mkdtempSync(join(tmpdir(), 'crmq-chromium-'));
  const png = join(out, `${name}.png`);
  try {
    run(chromium!, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      `--user-data-dir=${profile}`, '--hide-scrollbars', `--window-size=${width},${height}`, `--screenshot=${png}`, pathToFileURL(file).href]);
    written.push(png);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
/**
 * The size chart text is shown at, in CSS px, in a page `width` px wide: each visible chart's font size times the scale
 * its SVG is drawn at (shown width / its own width); the smallest and the median over all visible chart text. The page
 * is put in an iframe that wide: headless Chromium's window is never narrower than 500 px.
 */
function chartTextPx(file: string, width: number): { min: number; median: number; charts: number } {
  const profile = mkdtempSync(join(tmpdir(), 'crmq-chromium-'));
  const probe = join(dirname(file), `.chart-text-${width}.html`);
  writeFileSync(probe, `<!doctype html><body style="margin:0"><iframe id="f" src="${basename(file)}" style="width:${width}px;height:2400px;border:0"></iframe><script>
f.onload = () => { const d = f.contentDocument, w = f.contentWindow, px = [], charts = new Set();
for (const t of d.querySelectorAll('.chart svg text')) { const svg = t.ownerSVGElement, shown = svg.getBoundingClientRect().width; if (!shown || !t.getClientRects().length || !t.textContent.trim()) continue; charts.add(svg); px.push(parseFloat(w.getComputedStyle(t).fontSize) * shown / svg.width.baseVal.value); }
px.sort((a, b) => a - b); document.body.insertAdjacentHTML('beforeend', '<pre id="chart-text">' + JSON.stringify({ min: px[0], median: px[px.length >> 1], charts: charts.size }) + '</pre>'); };
</script></body>`);
  try {
    const r = spawnSync(chromium!, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--allow-file-access-from-files', `--user-data-dir=${profile}`, '--window-size=1400,2400', '--virtual-time-budget=10000', '--dump-dom', pathToFileURL(probe).href], { encoding: 'utf8', maxBuffer: 1 << 28 });
    return JSON.parse(/<pre id="chart-text">(\{[^<]*)<\/pre>/.exec(r.stdout)?.[1] ?? 'null') ?? { min: NaN, median: NaN, charts: 0 };
  } finally {
    rmSync(profile, { recursive: true, force: true });
    rmSync(probe, { force: true });
  }
}

if (chromium) {
  const sizes = [1400, 400].map((w) => ({ w, ...chartTextPx(join(demo, 'reports.html'), w) }));
  const report = sizes.map((s) => `chart text at ${s.w} px: smallest ${s.min.toFixed(1)} px, median ${s.median.toFixed(1)} px (${s.charts} charts)`).join('\n');
  writeFileSync(join(out, 'chart-text.txt'), `${report}\n`);
  console.log(report);
  for (const [w, h] of [[1400, 2400], [400, 2400]]) {
    shoot(join(demo, 'reports.html'), `reports-ru-${w}`, w, h);
    shoot(join(en, 'reports.html'), `reports-en-${w}`, w, h);
    shoot(mailHtml, `mail-${w}`, w, 2000);
  }
} else console.error('chromium not found (apt-get install -y chromium): no HTML or mail pictures');

// 3. The XLSX as printed: LibreOffice → PDF → the first pages as PNG.
const soffice = which('soffice', 'libreoffice');
const pdftoppm = which('pdftoppm');
if (soffice && pdftoppm) {
  const profile = mkdtempSync(join(tmpdir(), 'crmq-lo-'));
  run(soffice, [`-env:UserInstallation=${pathToFileURL(profile).href}`, '--headless', '--convert-to', 'pdf', '--outdir', out, join(demo, 'reports.xlsx')]);
  rmSync(profile, { recursive: true, force: true });
  const pdf = join(out, 'reports.pdf');
  if (existsSync(pdf)) {
    run(pdftoppm, ['-png', '-r', '70', '-f', '1', '-l', '3', pdf, join(out, 'xlsx-page')]);
    written.push(...readdirSync(out).filter((f) => f.startsWith('xlsx-page')).map((f) => join(out, f)));
  }
} else console.error('LibreOffice or pdftoppm not found (apt-get install -y libreoffice-calc-nogui poppler-utils): no XLSX pages');

console.log(written.length ? `wrote ${written.length} pictures:\n${written.map((f) => `  ${f}`).join('\n')}` : 'no pictures written');
