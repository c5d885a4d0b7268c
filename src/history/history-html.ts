// The history as one self-contained HTML page: the charts (inline SVG), then the imports, check runs, findings by
// rule and the findings with when they were first and last seen.
import type { Chart } from './history-charts.js';
import type { History } from './history.js';

const esc = (s: unknown) => String(s ?? '').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function table(rows: Record<string, unknown>[]): string {
  if (!rows.length) return '<p>None.</p>';
  const cols = Object.keys(rows[0]);
  const num = (c: string) => rows.every((r) => r[c] === null || typeof r[c] === 'number');
  return `<table><thead><tr>${cols.map((c) => `<th class="${num(c) ? 'n' : ''}">${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${cols.map((c) => `<td class="${num(c) ? 'n' : ''}">${esc(r[c])}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d232a}
table{border-collapse:collapse;width:100%;margin:.8rem 0}th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .5rem;text-align:left}th{background:#f6f7f9}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.chart svg{max-width:100%;height:auto}h2{margin-top:2rem;border-bottom:1px solid #ddd}`;

export function historyHtml(h: History, charts: Chart[]): string {
  const scope = [h.filter.source, h.filter.entity].filter(Boolean).join(' / ');
  const title = `crmq history${scope ? `: ${scope}` : ''}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head>
<body><h1>${esc(title)}</h1>
${charts.map((c) => `<div class="chart">${c.svg}</div>`).join('\n')}
<h2>Imports</h2>${table(h.imports.map(({ fields: _f, ...i }) => i))}
<h2>Check runs</h2>${table(h.runs.map((r) => ({ ...r })))}
<h2>Findings by rule</h2>${table(h.rules.map((r) => ({ ...r })))}
<h2>Findings</h2><p>${h.findings.length} of ${h.findings_total}, open first.</p>${table(h.findings.map((f) => ({ ...f })))}
</body></html>
`;
}
