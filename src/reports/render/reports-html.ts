// Reports as one self-contained HTML page, no network: charts inline as SVG that shrink with the screen, tables that
// scroll sideways on a phone, a contents column that stays in view (grouped by category, a status filter done in CSS,
// a search box by title, id and table cells: the one small inline script, html-search.ts), a status banner per report
// that says why, the failing check first; print-friendly CSS.
import type { ReportResult } from '../run-report.js';
import { failingFirst } from '../validation.js';
import { chartSvg, chartTitle } from './chart.js';
import { SEARCH_SCRIPT } from './html-search.js';
import { NUMERIC, showCell, showTotalCell } from './format.js';
import { CATEGORY_NAMES, VALIDATION_NAMES, WORDS, type Lang } from './i18n.js';
import { count, ROWS_RU } from '../../plural.js';

const esc = (s: unknown) => String(s ?? '').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** Tables longer than this show their Total rows and fold the rows away (a 109-row daily list is not read row by row). */
export const FOLD_ROWS = 31;

const STATUSES = ['invalid', 'warning', 'valid'] as const;

const CSS = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d232a}
.page{display:grid;grid-template-columns:17rem minmax(0,1fr);gap:2rem;max-width:1400px;margin:0 auto;padding:0 1rem}
nav{position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto;padding:1rem 0;font-size:.92em}
nav h3{margin:.2rem 0 .4rem}nav h4{margin:.8rem 0 .2rem;color:#555;font-size:.85em;text-transform:uppercase;letter-spacing:.03em}
nav ol{list-style:none;padding:0;margin:0}nav li{margin:.2rem 0}[hidden]{display:none!important}nav .cat:not(:has(li:not([hidden]))){display:none}
.search{display:flex;align-items:center;gap:.4rem;margin:.2rem 0 .4rem}.search input{flex:1;min-width:0;font:inherit;padding:.25rem .4rem}.filter{display:flex;flex-wrap:wrap;gap:.3rem .8rem;margin:.3rem 0 .6rem}
main{min-width:0}h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
.scroll{overflow-x:auto;max-width:100%;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;margin:.8rem 0;min-width:60%}th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f7f9;position:sticky;top:0}tr.total td,tr.sum td{font-weight:600;border-top:2px solid #ccc}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.banner{padding:.5rem .8rem;border-radius:4px;margin:.6rem 0}.valid{background:#d9f2d9}.warning{background:#fff2cc}.invalid{background:#f8d7da}
.caveats{margin:.4rem 0 .8rem 1.2rem}.badge{font-size:.8em;padding:0 .4em;border-radius:3px;margin-left:.4em;white-space:nowrap}.formula,.meta{color:#555;font-size:.92em}
.chart svg{width:100%;max-width:760px;height:auto}.chart figure{margin:0}.chart figcaption{font-weight:600;margin:.3rem 0}.chart .narrow{display:none}
main{container-type:inline-size}@container (max-width:700px){.chart .wide{display:none}.chart .narrow{display:block}.chart .narrow svg{max-width:520px}}details summary{cursor:pointer;color:#555}
${STATUSES.map((s) => `body:has(#only-${s}:checked) main section:not([data-status="${s}"]),body:has(#only-${s}:checked) nav li:not([data-status="${s}"])`).join(',')}{display:none}
@media (max-width:800px){.page{display:block}nav{position:static;max-height:none}body{font-size:14px}}
@media print{nav{display:none}.page{display:block}section{break-inside:avoid-page}h2{break-before:page}}`;

export async function reportsHtml(results: ReportResult[], lang: Lang, title: string): Promise<string> {
  const w = WORDS[lang];
  const sections: string[] = [];
  // In the order of the contents: by category, then as given.
  const rank = (c: string) => { const i = Object.keys(CATEGORY_NAMES).indexOf(c); return i < 0 ? 99 : i; };
  const ordered = results.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r.category) - rank(b.r.category) || a.i - b.i).map((x) => x.r);
  for (const r of ordered) {
    // Two drawings of the chart: the wide one, and a narrow one the page shows where the column is under 700 px (a phone,
    // a narrow window), so that chart text never shrinks below 10 px (docs/rendering.md).
    const svg = await chartSvg(r, lang);
    const narrowSvg = svg && (await chartSvg(r, lang, 'narrow'));
    const failing = failingFirst(r.validations);
    const td = (text: string, c: { type: string }) => `<td class="${NUMERIC.has(c.type) ? 'n' : ''}">${esc(text)}</td>`;
    const head = `<thead><tr>${r.columns.map((c) => `<th class="${NUMERIC.has(c.type) ? 'n' : ''}">${esc(c[lang])}</th>`).join('')}</tr></thead>`;
    const totals = (cls: string) => r.totals.map((t) => `<tr class="${cls}">${r.columns.map((c) => td(showTotalCell(r, t, c, lang), c)).join('')}</tr>`).join('');
    const full = `<div class="scroll"><table>${head}<tbody>${r.rows
      .map((row) => `<tr>${r.columns.map((c) => td(showCell(r, row, c, lang), c)).join('')}</tr>`)
      .join('')}</tbody>${r.totals.length ? `<tfoot>${totals('total')}</tfoot>` : ''}</table></div>`;
    // A long table: its Total rows in view, the rows folded.
    const n = r.rows.length;
    const rowsWord = lang === 'ru' ? count(n, 'ru', ROWS_RU) : count(n, 'en', { one: 'row', other: 'rows' });
    const table = !n ? `<p>${esc(w.noRows)}</p>`
      : n > FOLD_ROWS
        ? `${r.totals.length ? `<div class="scroll"><table class="sums">${head}<tbody>${totals('sum')}</tbody></table></div>` : ''}<details class="rows"><summary>${esc(lang === 'ru' ? `Все ${rowsWord}` : `All ${rowsWord}`)}</summary>${full}</details>`
        : full;
    sections.push(`<section id="${esc(r.id)}" data-status="${r.status}">
<h2>${esc(r.title[lang])}</h2>
<div class="banner ${r.status}" role="status"><strong>${esc(w.status)}: ${esc(w[r.status])}</strong> — ${esc(statusWhy(r, lang))} · ${esc(w.period)}: ${esc(r.period.start)} – ${esc(r.period.end)} (${esc(w.asOf)} ${esc(r.period.asOf)})</div>
${failing.length || r.notes.length ? `<ul class="caveats">${failing.map((v) => `<li class="${v.status}-item"><strong>${esc(VALIDATION_NAMES[v.name][lang])} (${esc(w[v.status])})</strong>: ${esc(v.message[lang])}</li>`).join('')}${r.notes.map((x) => `<li><strong>${esc(w.note)}</strong>: ${esc(x[lang])}</li>`).join('')}</ul>` : ''}
<p>${esc(r.description[lang])}</p>
${svg ? `<div class="chart"><div class="wide">${svg}</div><figure class="narrow"><figcaption>${esc(chartTitle(r, lang))}</figcaption>${narrowSvg}</figure></div>` : ''}
${table}
<p class="formula"><strong>${esc(w.formula)}:</strong> ${esc(r.formula[lang])}</p>
<details><summary>${esc(w.validations)}</summary><div class="scroll"><table class="checks"><tbody>${[...failing, ...r.validations.filter((v) => v.status === 'valid')].map((v) => `<tr><td>${esc(VALIDATION_NAMES[v.name][lang])}</td><td class="${v.status}">${esc(w[v.status])}</td><td>${esc(v.message[lang])}</td></tr>`).join('')}</tbody></table></div></details>
</section>`);
  }
  // Contents by category (in the order of the categories), each report with its status; a filter by status.
  const cats = Object.keys(CATEGORY_NAMES).filter((c) => results.some((r) => r.category === c));
  const other = [...new Set(results.map((r) => r.category).filter((c) => !cats.includes(c)))];
  const toc = [...cats, ...other].map((cat) => `<div class="cat"><h4>${esc(CATEGORY_NAMES[cat]?.[lang] ?? cat)}</h4><ol>${results.filter((r) => r.category === cat)
    .map((r) => `<li data-status="${r.status}"><a href="#${esc(r.id)}">${esc(r.title[lang])}</a> <span class="badge ${r.status}">${esc(w[r.status])}</span></li>`).join('')}</ol></div>`).join('');
  // Shown by the script (a search box that does nothing, in a mail client or with scripts off, is not shown).
  const search = `<label class="search" hidden>${esc(w.search)} <input type="search" id="search" placeholder="${esc(w.searchHint)}" autocomplete="off"> <output id="search-found"></output></label>`;
  const tally = (s: string) => results.filter((r) => r.status === s).length;
  const filter = `<div class="filter" role="radiogroup"><label><input type="radio" name="status" id="only-all" checked> ${esc(lang === 'ru' ? 'все' : 'all')} (${results.length})</label>${STATUSES.filter((s) => tally(s))
    .map((s) => `<label><input type="radio" name="status" id="only-${s}"> ${esc(w[s])} (${tally(s)})</label>`).join('')}</div>`;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><div class="page">
<nav><h3>${esc(w.contents)}</h3>${search}${filter}${toc}</nav>
<main><h1>${esc(title)}</h1><p class="meta">${esc(w.generated)} · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC</p>
${sections.join('\n')}
</main></div>
<script>${SEARCH_SCRIPT}</script>
</body></html>
`;
}

/** Why the report has its status, in words: the failing check (the worst first) and how many more; or that all passed. */
export function statusWhy(r: ReportResult, lang: Lang): string {
  const failing = failingFirst(r.validations);
  if (!failing.length) {
    return lang === 'ru' ? `все ${count(r.validations.length, 'ru', { one: 'проверка пройдена', few: 'проверки пройдены', many: 'проверок пройдены' })}` : `all ${count(r.validations.length, 'en', { one: 'check', other: 'checks' })} passed`;
  }
  const first = `${VALIDATION_NAMES[failing[0].name][lang]}: ${failing[0].message[lang]}`;
  const more = failing.length - 1;
  if (!more) return lang === 'ru' ? `из-за проверки «${first}»` : `because of ${first}`;
  return lang === 'ru'
    ? `из-за проверки «${first}» и ещё ${count(more, 'ru', { one: 'проверки', few: 'проверок', many: 'проверок' })}`
    : `because of ${first}, and ${count(more, 'en', { one: 'more check', other: 'more checks' })}`;
}
