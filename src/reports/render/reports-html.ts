// Reports as one self-contained HTML page: no scripts, no network; charts inline as SVG, a status banner per
// report, a table of contents, print-friendly CSS.
import type { ReportResult } from '../run-report.js';
import { chartSvg } from './chart.js';
import { NUMERIC, showCell, showTotalCell } from './format.js';
import { VALIDATION_NAMES, WORDS, type Lang } from './i18n.js';

const esc = (s: unknown) => String(s ?? '').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d232a}
h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.8rem 0}th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f7f9}tr.total td{font-weight:600;border-top:2px solid #ccc}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.banner{padding:.5rem .8rem;border-radius:4px;margin:.6rem 0}.valid{background:#d9f2d9}.warning{background:#fff2cc}.invalid{background:#f8d7da}
.caveats{margin:.4rem 0 .8rem 1.2rem}.badge{font-size:.8em;padding:0 .4em;border-radius:3px;margin-left:.4em;white-space:nowrap}nav li{margin:.15rem 0}.formula,.meta{color:#555;font-size:.92em}.chart svg{max-width:100%;height:auto}
nav ol{columns:2}details summary{cursor:pointer;color:#555}
@media print{nav{display:none}section{break-inside:avoid-page}h2{break-before:page}body{margin:0}}`;

export async function reportsHtml(results: ReportResult[], lang: Lang, title: string): Promise<string> {
  const w = WORDS[lang];
  const sections: string[] = [];
  for (const r of results) {
    const svg = await chartSvg(r, lang);
    const caveats = r.validations.filter((v) => v.status !== 'valid');
    const td = (text: string, c: { type: string }) => `<td class="${NUMERIC.has(c.type) ? 'n' : ''}">${esc(text)}</td>`;
    const table = r.rows.length
      ? `<table><thead><tr>${r.columns.map((c) => `<th class="${NUMERIC.has(c.type) ? 'n' : ''}">${esc(c[lang])}</th>`).join('')}</tr></thead><tbody>${r.rows
          .map((row) => `<tr>${r.columns.map((c) => td(showCell(r, row, c, lang), c)).join('')}</tr>`)
          .join('')}</tbody>${r.totals.length ? `<tfoot>${r.totals.map((t) => `<tr class="total">${r.columns.map((c) => td(showTotalCell(r, t, c, lang), c)).join('')}</tr>`).join('')}</tfoot>` : ''}</table>`
      : `<p>${esc(w.noRows)}</p>`;
    sections.push(`<section id="${esc(r.id)}">
<h2>${esc(r.title[lang])}</h2>
<div class="banner ${r.status}" role="status"><strong>${esc(w.status)}: ${esc(w[r.status])}</strong> · ${esc(w.period)}: ${esc(r.period.start)} – ${esc(r.period.end)} (${esc(w.asOf)} ${esc(r.period.asOf)})</div>
${caveats.length || r.notes.length ? `<ul class="caveats">${caveats.map((v) => `<li><strong>${esc(VALIDATION_NAMES[v.name][lang])}</strong>: ${esc(v.message[lang])}</li>`).join('')}${r.notes.map((n) => `<li><strong>${esc(w.note)}</strong>: ${esc(n[lang])}</li>`).join('')}</ul>` : ''}
<p>${esc(r.description[lang])}</p>
${svg ? `<div class="chart">${svg}</div>` : ''}
${table}
<p class="formula"><strong>${esc(w.formula)}:</strong> ${esc(r.formula[lang])}</p>
<details><summary>${esc(w.validations)}</summary><table><tbody>${r.validations.map((v) => `<tr><td>${esc(VALIDATION_NAMES[v.name][lang])}</td><td class="${v.status}">${esc(w[v.status])}</td><td>${esc(v.message[lang])}</td></tr>`).join('')}</tbody></table></details>
</section>`);
  }
  const toc = results.map((r) => `<li><a href="#${esc(r.id)}">${esc(r.title[lang])}</a> <span class="badge ${r.status}">${esc(w[r.status])}</span></li>`).join('');
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><h1>${esc(title)}</h1><p class="meta">${esc(w.generated)} · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC</p>
<nav><h3>${esc(w.contents)}</h3><ol>${toc}</ol></nav>
${sections.join('\n')}
</body></html>
`;
}
