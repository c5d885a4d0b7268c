// Issue #16: the demo's outputs as an analyst opens them — the Russian HTML, XLSX and mail have no English word outside
// data values and count in correct Russian plural forms; the mail's images shrink with the screen; the workbook has a
// contents sheet, unique sheet names within 31 characters, widths fitted to their content, years and ids as text.
import ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoCommand } from '../../src/commands/demo.js';
import { composeReportMail } from '../../src/mail/compose.js';
import { ENTITIES } from '../../src/model/tables.js';
import { pluralForm } from '../../src/plural.js';
import { chartSpec, NARROW_MAX_WIDTH, svgWidth } from '../../src/reports/render/chart.js';
import { MIN_SCALE, pageLayout } from '../../src/reports/render/reports-xlsx.js';
import { CATEGORY_NAMES, valueLabel } from '../../src/reports/render/i18n.js';
import { matchingReports } from '../../src/reports/render/html-search.js';
import { FOLD_ROWS, statusWhy } from '../../src/reports/render/reports-html.js';
import type { ReportResult } from '../../src/reports/run-report.js';
import { failingFirst } from '../../src/reports/validation.js';
import { query, tmp } from '../helpers.js';

const dir = tmp();
/** Headless Chromium, when installed (the search box is then tried in a real browser too). */
const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find((n) => spawnSync('sh', ['-c', `command -v ${n}`]).status === 0);
let reports: ReportResult[] = [];
let html = '';
let mailHtml = '';
let mailText = '';
const wb = new ExcelJS.Workbook();
/** Values that come from the data (names, sources, a CRM's own stage labels like "Closed Won"): allowed in any language. */
let dataValues: string[] = [];

beforeAll(async () => {
  const demo = await demoCommand({ out: dir, lang: 'ru' });
  reports = demo.reports;
  html = readFileSync(join(dir, 'reports.html'), 'utf8');
  await wb.xlsx.readFile(join(dir, 'reports.xlsx'));
  const mail = await composeReportMail({ from: 'crmq@example.ru', to: ['director@example.ru'], subject: 'Отчёты', lang: 'ru', reports, attachments: [], checkLine: 'Проверка данных: 91 находка' });
  mailHtml = String(mail.html);
  mailText = String(mail.text);
  // Every text value the import loaded, except crmq's own codes (statuses, directions, types): those must be translated.
  const cols = await query<{ t: string; c: string }>(demo.db, `SELECT table_name AS t, column_name AS c FROM information_schema.columns
    WHERE data_type = 'VARCHAR' AND table_schema = 'main' AND table_name IN (${ENTITIES.map((e) => `'${e}'`).join(', ')})
    AND column_name NOT IN ('status', 'direction', 'type', 'currency', 'extra', 'channel')`);
  const values = await query<{ v: string }>(demo.db, cols.map((x) => `SELECT DISTINCT CAST("${x.c}" AS VARCHAR) AS v FROM "${x.t}"`).join(' UNION '));
  dataValues = values.map((x) => String(x.v ?? '')).filter((v) => /[A-Za-z]/.test(v) && v.length >= 3).sort((a, b) => b.length - a.length || a.localeCompare(b));
}, 120_000);

/** Brand names, units and codes a Russian text keeps in Latin letters. */
const ALLOWED = new Set(['crmq', 'hubspot', 'sql', 'id', 'utc', 'romi', 'roas', 'cac', 'crm', 'w', 'xlsx', 'html', 'csv']);

/** The English words of a text, outside data values, rule ids (deal.won.consistency), commands (`crmq check`, --param …) and currency codes. */
function englishWords(text: string): string[] {
  let stripped = text
    .replace(/`[^`]*`/g, ' ')
    .replace(/--[a-z-]+(?:[ =][^\s;,)]+)?/g, ' ')
    .replace(/\b[a-z0-9_]+(?:[.:/][a-z0-9_-]+)+\b/gi, ' ')
    .replace(/\b[A-Z]{3}\b/g, ' ');
  for (const v of dataValues) stripped = stripped.replace(new RegExp(`(?<![A-Za-z])${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z])`, 'g'), ' ');
  return [...new Set((stripped.match(/[A-Za-z]+/g) ?? []).filter((w) => !ALLOWED.has(w.toLowerCase())))];
}

const textOfHtml = (h: string) => h.replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, '\n').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"');

/** Lines of a text holding each word, to say where it was left. */
const where = (text: string, words: string[]) => words.map((w) => `${w}: ${text.split('\n').find((l) => new RegExp(`\\b${w}\\b`).test(l))?.trim().slice(0, 160)}`);

describe('--lang ru: no English outside data values', () => {
  it('the data values are names and labels, not crmq\'s vocabulary', () => {
    expect(dataValues).toContain('Closed Won');
    for (const w of ['deals', 'won', 'income', 'expense', 'linear', 'first touch', 'warn', 'paid_search', 'phone']) expect(dataValues, w).not.toContain(w);
    expect(englishWords('Closed Won: won by first touch')).toEqual(['won', 'by', 'first', 'touch']);
  });

  it('in the HTML (tables, caveats, validations, chart axes and legends)', () => {
    const text = textOfHtml(html);
    expect(where(text, englishWords(text))).toEqual([]);
  });

  it('chart axes count as the tables do: 4 000 000, never 4,000,000; no 0.5 on a count axis', () => {
    const ticks = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].flatMap((m) => [...m[0].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => t[1]));
    expect(ticks.filter((t) => /\d,\d{3}(?!\d)/.test(t))).toEqual([]);
    expect(ticks.filter((t) => /^\d{1,3}(\u00a0\d{3})+$/.test(t)).length).toBeGreaterThan(10);
  });

  it('in the XLSX (every cell of every sheet, and the sheet names)', () => {
    const lines: string[] = [];
    wb.eachSheet((ws) => {
      lines.push(ws.name);
      ws.eachRow((row) => row.eachCell((cell) => { if (typeof cell.value === 'string') lines.push(cell.value); else if (cell.value && typeof cell.value === 'object' && 'text' in cell.value) lines.push(String(cell.value.text)); }));
    });
    const text = lines.join('\n');
    expect(where(text, englishWords(text))).toEqual([]);
  });

  it('in the mail (HTML body, text body)', () => {
    const text = `${textOfHtml(mailHtml)}\n${mailText}`;
    expect(where(text, englishWords(text))).toEqual([]);
  });

  it('a number and its Russian noun agree by the one plural rule (1 строка, 2 строки, 5 строк)', () => {
    const nouns = {
      строка: { one: 'строка', few: 'строки', many: 'строк' }, находка: { one: 'находка', few: 'находки', many: 'находок' },
      повтор: { one: 'повтор', few: 'повтора', many: 'повторов' }, раз: { one: 'раз', few: 'раза', many: 'раз' },
    } as const;
    const text = `${textOfHtml(html)}\n${textOfHtml(mailHtml)}\n${mailText}`;
    const wrong: string[] = [];
    let checked = 0;
    // "N строк…", "в N раз…": the number right before the noun, not after "из" (genitive: из 5 строк).
    for (const m of text.matchAll(/(?<!из )(?<![\d\u00a0 ])(\d[\d\u00a0]*) (строк[аи]?|находк[аи]|находок|повтор(?:а|ов)?|раза?)(?![а-я])/g)) {
      const n = Number(m[1].replace(/\u00a0/g, ''));
      const noun = Object.entries(nouns).find(([, f]) => Object.values(f).includes(m[2] as never));
      if (!noun) continue;
      checked++;
      if (pluralForm(n, 'ru', noun[1]) !== m[2]) wrong.push(m[0]);
    }
    expect(checked).toBeGreaterThanOrEqual(20);
    expect(wrong).toEqual([]);
  });
});

describe('mail on a phone', () => {
  it('charts shrink with the screen (no fixed width), drawn at twice the shown width; wide tables scroll', async () => {
    const imgs = mailHtml.match(/<img [^>]*>/g) ?? [];
    expect(imgs.length).toBeGreaterThanOrEqual(3);
    for (const img of imgs) {
      expect(img).not.toMatch(/\swidth="/);
      expect(img).toMatch(/style="[^"]*width:100%;max-width:640px;height:auto/);
    }
    const mail = await composeReportMail({ from: 'a@example.ru', to: ['b@example.ru'], subject: 's', lang: 'ru', reports: reports.filter((r) => r.chart).slice(0, 1), attachments: [] });
    const png = (mail.attachments ?? []).find((a) => a.contentType === 'image/png')!.content as Buffer;
    expect(png.readUInt32BE(16)).toBe(1280); // the PNG header's width
    expect(mailHtml).toMatch(/<meta name="viewport" content="width=device-width/);
    expect((mailHtml.match(/<div style="overflow-x:auto;max-width:100%"><table/g) ?? []).length).toBe(reports.filter((r) => r.rows.length).length);
  });
});

describe('XLSX read back with exceljs', () => {
  it('contents first: every report, grouped by category, with its status and a link that names its sheet', () => {
    const contents = wb.worksheets[0];
    expect(contents.name).toBe('Содержание');
    const rows = contents.getRows(2, contents.rowCount - 1)!;
    expect(rows.length).toBe(reports.length);
    const sheets = new Set(wb.worksheets.map((w) => w.name));
    const status = { valid: 'достоверен', warning: 'с оговорками', invalid: 'недостоверен' };
    for (const row of rows) {
      const link = row.getCell(1).value as { text: string; hyperlink: string };
      const r = reports.find((x) => x.title.ru === link.text)!;
      expect(r, link.text).toBeDefined();
      expect(sheets.has(/^#'(.*)'!A1$/.exec(link.hyperlink)![1].replaceAll("''", "'")), link.hyperlink).toBe(true);
      expect(row.getCell(3).value).toBe(status[r.status]);
      if (r.status !== 'valid') expect(String(row.getCell(4).value)).not.toBe('');
    }
    // Grouped: each category's reports in one run.
    const cats = rows.map((r) => String(r.getCell(2).value));
    expect(cats.filter((c, i) => i === 0 || c !== cats[i - 1]).length).toBe(new Set(cats).size);
  });

  it('sheet names: unique, within 31 characters, none cut mid-word or numbered (no "Data quality 2")', () => {
    const names = wb.worksheets.map((w) => w.name);
    expect(names.length).toBe(reports.length + 3);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const n of names) {
      expect(n.length, n).toBeLessThanOrEqual(31);
      expect(n, n).not.toMatch(/ \d+$|…$|[:\\/?*[\]]|\s{2}/);
    }
    for (const r of reports) expect(names).toContain(r.sheet?.ru ?? r.title.ru.replace(': ', ' — '));
  });

  it('columns as wide as their longest value as shown (Cyrillic counted by letters); fit to the page width', () => {
    const ws = wb.getWorksheet('Рейтинг менеджеров')!;
    const header = ws.getRows(1, ws.rowCount)!.find((row) => row.getCell(1).value === 'Менеджер')!;
    const names = ws.getColumn(1).values.slice(header.number).map((v) => String(v ?? ''));
    const longest = Math.max(...names.map((n) => n.length), 'Менеджер'.length);
    expect(ws.getColumn(1).width).toBe(longest + 2); // "Итого: Александр Орлов" is not cut to "Александр Ор."
    for (const w of wb.worksheets) expect(w.pageSetup, w.name).toMatchObject({ fitToPage: true, fitToWidth: 1, paperSize: 9 });
    expect(ws.pageSetup.printTitlesRow).toBe(`${header.number}:${header.number}`);
    // The caveats above the table wrap within its width (text running on to the right made LibreOffice print the whole
    // sheet at 57%): a long one is merged across the table's columns, wrapped, its row as tall as its lines.
    const tableWidth = ws.columns.slice(1).reduce((sum, c) => sum + (c.width ?? 9), 0);
    const long = ws.getRows(2, header.number - 3)!.filter((row) => String(row.getCell(2).value ?? '').length > tableWidth);
    expect(long.length).toBeGreaterThan(0);
    for (const row of long) {
      expect(row.getCell(2).alignment, String(row.getCell(2).value)).toMatchObject({ wrapText: true });
      expect(row.getCell(2).isMerged && row.getCell(ws.columnCount).master.address).toBe(row.getCell(2).address);
      expect(row.height).toBeGreaterThanOrEqual(15 * Math.ceil(String(row.getCell(2).value).length / tableWidth));
    }
    // A money column: as wide as its widest figure with separators and kopecks, not a fixed 12.
    const money = ws.getColumn(5);
    const widest = Math.max(...money.values.slice(header.number + 1).filter((v): v is number => typeof v === 'number').map((v) => v.toLocaleString('en-US', { minimumFractionDigits: 2 }).length));
    expect(money.width).toBe(Math.max(widest, String(ws.getCell(header.number, 5).value).length) + 2);
    // Years as text: validations.test.ts 'a year is a label' (no shipped report has a year column).
  });

  it('print layout: the orientation that prints readably (70% or more) in the fewest pages; fewer pages down when 70% allows', () => {
    // Worked out by hand: a width unit prints 6.6 pt (+4 a column); A4 less the margins is 537 × 750 pt, 784 × 503 pt across.
    // 8 columns, 96 units = 665.6 pt: 81% across a portrait page, 100% on a landscape one; 13 rows fit either: landscape.
    expect(pageLayout([17, 7, 11, 11, 15, 15, 10, 10], 13 * 15)).toEqual({ orientation: 'landscape', fitToHeight: 0, scale: 1 });
    // 57 rows (855 pt) of 71 units: two portrait pages at 100%, or one at 750/855 = 88%: one.
    expect(pageLayout([20, 12, 12, 10, 11, 6], 57 * 15)).toEqual({ orientation: 'portrait', fitToHeight: 1, scale: 750 / 855 });
    // 148 units (992.8 pt): 54% in portrait, unreadable, though fewer pages; 79% in landscape.
    const wide = pageLayout([40, 16, 12, 80], 278 * 15);
    expect(wide.orientation).toBe('landscape');
    expect(wide.scale).toBeGreaterThanOrEqual(MIN_SCALE);
  });
});

describe('HTML at 1400 and 400 px', () => {
  const sectionOf = (id: string) => html.slice(html.indexOf(`<section id="${id}"`), html.indexOf('</section>', html.indexOf(`<section id="${id}"`)));

  it('contents stay in view, grouped by category, with a status filter (CSS only)', () => {
    expect(html).toMatch(/nav\{position:sticky;top:0;[^}]*overflow:auto/);
    const nav = html.slice(html.indexOf('<nav>'), html.indexOf('</nav>'));
    const heads = [...nav.matchAll(/<h4>([^<]*)<\/h4>/g)].map((m) => m[1]);
    expect(heads).toEqual(Object.keys(CATEGORY_NAMES).filter((c) => reports.some((r) => r.category === c)).map((c) => CATEGORY_NAMES[c].ru));
    expect((nav.match(/<li data-status="(valid|warning|invalid)"><a href="#/g) ?? []).length).toBe(reports.length);
    for (const s of new Set(reports.map((r) => r.status))) {
      expect(nav).toContain(`id="only-${s}"`);
      expect(html).toContain(`body:has(#only-${s}:checked) main section:not([data-status="${s}"])`);
    }
  });

  it('a search box filters the contents and the reports by title, id and table cells, with the inline html-search.ts', () => {
    // One small inline script, no external one; the box is shown by it (hidden without script).
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script>']);
    expect(html).toMatch(/<label class="search" hidden>Поиск <input type="search" id="search" [^>]*> <output id="search-found"><\/output><\/label>/);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    expect(script).toContain(`const matchingReports = ${matchingReports.toString()};`);
    expect(script.length).toBeLessThan(2000);
    // The function as the page has it, run on each section's text as the page gathers it: id, title, data-table cells.
    const inPage = new Function(`return ${/const matchingReports = ([\s\S]*?\n\});/.exec(script)![1]}`)() as typeof matchingReports;
    const unescape = (t: string) => t.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const searchable = reports.map((r) => {
      const s = sectionOf(r.id).replace(/<table class="checks">[\s\S]*?<\/table>/g, '');
      const cells = [...s.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((m) => unescape(m[1]));
      return { id: r.id, text: [r.id, unescape(/<h2>([^<]*)<\/h2>/.exec(s)![1]), ...cells].join('\n') };
    });
    const find = (q: string) => inPage(q, searchable);
    const all = reports.map((r) => r.id);
    expect(find('')).toEqual(all);
    expect(find('  ')).toEqual(all);
    const ranking = reports.find((r) => r.id === 'manager-ranking')!;
    expect(find(ranking.title.ru.toUpperCase())).toEqual(['manager-ranking']);
    expect(find('manager-ranking')).toEqual(['manager-ranking']);
    // A manager's name: exactly the reports whose rows hold it (worked out from the report data, not the page).
    const name = String(ranking.rows[0][ranking.columns.find((c) => c.type === 'text')!.name]);
    const holding = reports.filter((r) => r.rows.some((row) => Object.values(row).some((v) => String(v).includes(name)))).map((r) => r.id);
    expect(holding.length).toBeGreaterThan(1);
    expect(find(name.toLowerCase().replace(/е/g, 'ё'))).toEqual(holding);
    // A number as the table writes it (4 432 004,03, non-breaking spaces), typed with plain spaces.
    const number = /<td class="n">(\d{1,3}(?:\u00a0\d{3})+,\d\d)<\/td>/.exec(html)![1];
    expect(find(number.replace(/\u00a0/g, ' ')).length).toBeGreaterThan(0);
    expect(find(`${name} нетакогослова`)).toEqual([]);
    // Validation tables are not searched: "сверка итогов" is in every report's checks, in no data table.
    expect(find('сверка итогов')).toEqual([]);
    expect(matchingReports('Ёлка  2', [{ id: 'a', text: 'ёлка\u00a02' }, { id: 'b', text: 'елка' }])).toEqual(['a']);
  });

  it.skipIf(!chromium)('in Chromium: typing in the box hides the reports and contents entries that do not match', () => {
    const file = join(dir, 'search.html');
    writeFileSync(file, html.replace('</body>', '<script>const b = document.getElementById("search"); b.value = "manager-ranking"; b.dispatchEvent(new Event("input"));</script></body>'));
    const profile = mkdtempSync(join(tmpdir(), 'crmq-chromium-'));
    try {
      const r = spawnSync(chromium!, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${profile}`, '--dump-dom', pathToFileURL(file).href], { encoding: 'utf8', timeout: 60_000 });
      const shown = [...r.stdout.matchAll(/<section id="([^"]+)"[^>]*>/g)].filter((m) => !/ hidden=/.test(m[0])).map((m) => m[1]);
      expect(shown).toEqual(['manager-ranking']);
      expect([...r.stdout.matchAll(/<li data-status="\w+">/g)].length).toBe(1);
      expect(r.stdout).toMatch(/<label class="search">/);
      expect(r.stdout).toContain(`<output id="search-found">1 / ${reports.length}</output>`);
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('on a phone: every table scrolls sideways inside its box, charts scale by their viewBox', () => {
    const tables = (html.match(/<table/g) ?? []).length;
    expect((html.match(/<div class="scroll"><table/g) ?? []).length).toBe(tables);
    const svgs = html.match(/<svg [^>]*>/g) ?? [];
    expect(svgs.length).toBeGreaterThanOrEqual(15);
    for (const s of svgs) expect(s).toMatch(/viewBox="0 0 \d+ \d+"/);
    expect(html).toMatch(/\.chart svg\{width:100%;max-width:\d+px;height:auto\}/);
    expect(html).toMatch(/@media \(max-width:800px\)\{\.page\{display:block\}/);
    // Each chart twice: wide, and narrow (at most 400 px, no title inside: the page writes it above) where the column is
    // under 700 px, so 12-px chart text is shown at 10 px or more on a 400-px phone (docs/rendering.md, npm run screenshots).
    expect(html).toMatch(/@container \(max-width:700px\)\{\.chart \.wide\{display:none\}\.chart \.narrow\{display:block\}/);
    const charts = [...html.matchAll(/<div class="chart"><div class="wide">(<svg [^>]*>)[\s\S]*?<\/svg><\/div><figure class="narrow"><figcaption>([^<]*)<\/figcaption>(<svg [^>]*>)/g)];
    expect(charts.length).toBe(svgs.length / 2);
    for (const [, wide, caption, narrow] of charts) {
      expect(svgWidth(narrow), caption).toBeLessThanOrEqual(NARROW_MAX_WIDTH);
      expect(svgWidth(narrow), caption).toBeLessThan(svgWidth(wide));
      expect(caption.length).toBeGreaterThan(3);
    }
    const sizes = [...html.matchAll(/<text[^>]*font-size="([\d.]+)px"/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBeGreaterThan(100);
    expect(Math.min(...sizes)).toBe(12);
  });

  it('each report opens with why it has its status, the worst failing check first', () => {
    for (const r of reports) {
      const banner = /<div class="banner[^>]*>([\s\S]*?)<\/div>/.exec(sectionOf(r.id))![1];
      const failing = r.validations.filter((v) => v.status !== 'valid');
      if (!failing.length) expect(banner, r.id).toMatch(/все \d+ провер/);
      else expect(banner.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'), r.id).toContain(failingFirst(failing)[0].message.ru);
    }
    const v = (name: 'coverage' | 'grain', status: 'warning' | 'invalid') => ({ name, status, figures: {}, message: { en: `${name} ${status}`, ru: `${name} ${status}` } });
    const r = { ...reports[0], validations: [v('coverage', 'warning'), v('grain', 'invalid')] };
    expect(statusWhy(r, 'ru')).toBe('из-за проверки «зернистость: grain invalid» и ещё 1 проверки');
    expect(statusWhy(r, 'en')).toBe('because of grain: grain invalid, and 1 more check');
  });

  it('a ratio above 100% is explained on the page, with how many rows and how high', () => {
    const r = reports.find((x) => x.id === 'channel-conversion')!;
    const over = r.rows.filter((x) => Number(x.lead_to_deal) > 1);
    expect(over.length).toBeGreaterThan(0);
    const top = Math.max(...over.map((x) => Number(x.lead_to_deal)));
    expect(sectionOf('channel-conversion')).toContain(`Лид → сделка больше 100% в ${over.length} строк`);
    expect(sectionOf('channel-conversion')).toContain(`(до ${(top * 100).toFixed(1).replace('.', ',')}%): сделки и лиды считаются по своему каналу`);
    expect(sectionOf('channel-profitability')).not.toContain('больше 100%'); // ROMI 4,82 is a multiple, not a ratio of counts
  });

  it('a long daily table shows its totals and folds its rows', () => {
    const long = reports.filter((r) => r.rows.length > FOLD_ROWS);
    expect(long.map((r) => r.id)).toContain('calls-and-emails');
    for (const r of long) {
      const s = sectionOf(r.id);
      const sums = /<table class="sums">[\s\S]*?<\/table>/.exec(s)?.[0] ?? '';
      expect((sums.match(/<tr class="sum">/g) ?? []).length, r.id).toBe(r.totals.length);
      expect(s, r.id).toMatch(new RegExp(`<details class="rows"><summary>Все ${r.rows.length} строк[аи]?</summary>`));
    }
    const calls = reports.find((r) => r.id === 'calls-and-emails')!;
    expect(calls.totals.length).toBeGreaterThanOrEqual(1);
    expect(sectionOf('calls-and-emails')).toMatch(/<tr class="sum"><td class="">Итого<\/td>/);
  });

  it('chart rules: labels level when they fit, whole ticks on counts, legends never cut', () => {
    let level = 0;
    for (const r of reports) {
      const spec = chartSpec(r, 'ru') as unknown as { config?: { legend?: { labelLimit?: number } }; encoding?: Record<string, { axis?: Record<string, unknown> }>; spec?: { encoding?: Record<string, { axis?: Record<string, unknown> | null }> } } | undefined;
      if (!spec) continue;
      expect(spec.config?.legend?.labelLimit, r.id).toBe(0);
      const enc = spec.encoding ?? spec.spec!.encoding!;
      const y = r.columns.find((c) => c.name === r.chart!.y)!;
      if (y.type === 'int') expect(enc.y.axis, r.id).toMatchObject({ tickMinStep: 1 });
      const xs = new Set(r.rows.map((row) => valueLabel(String(row[r.chart!.x]), 'ru')));
      if (xs.size <= 6 && [...xs].every((x) => x.length <= 12) && enc.x.axis) {
        expect(enc.x.axis, r.id).toMatchObject({ labelAngle: 0 });
        level++;
      }
    }
    expect(level).toBeGreaterThanOrEqual(3);
  });
});
