// The report mail: an HTML body with each report's status, caveats and a summary table (its first rows, then the
// Total rows: only what sums, per currency), its chart as an inline PNG (mail clients block SVG), and the report files
// attached.
import { Resvg } from '@resvg/resvg-js';
import { basename } from 'node:path';
import type { SendMailOptions } from 'nodemailer';
import { chartSvg } from '../reports/render/chart.js';
import { formatCell, NUMERIC, showCell, showTotalCell } from '../reports/render/format.js';
import { VALIDATION_NAMES, WORDS, type Lang } from '../reports/render/i18n.js';
import type { ReportResult } from '../reports/run-report.js';
import { failingFirst } from '../reports/validation.js';
import { count, ROWS_RU } from '../plural.js';

const esc = (s: unknown) => String(s ?? '').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const COLOURS = { valid: '#d9f2d9', warning: '#fff2cc', invalid: '#f8d7da' } as const;

export interface ComposeInput {
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  intro?: string;
  lang: Lang;
  reports: ReportResult[];
  /** What the mail leads with: headline figures and their change since the last mail, new data problems (since-last.ts). */
  headline?: { heading: string; lines: string[] };
  /** One line about the data-quality check, when the run had one. */
  checkLine?: string;
  attachments: string[];
  rowsInBody?: number;
}

/** "… 5 more rows in the attachment" / "… ещё 5 строк во вложении" (the one plural rule). */
export function moreRows(n: number, lang: Lang): string {
  return lang === 'ru' ? `… ещё ${count(n, 'ru', ROWS_RU)} во вложении` : `… ${count(n, 'en', { one: 'more row', other: 'more rows' })} in the attachment`;
}

export function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}

export async function composeReportMail(input: ComposeInput): Promise<SendMailOptions> {
  const w = WORDS[input.lang];
  const inline: NonNullable<SendMailOptions['attachments']> = [];
  const blocks: string[] = [];
  for (const r of input.reports) {
    const svg = await chartSvg(r, input.lang);
    let img = '';
    if (svg) {
      const cid = `chart-${r.id}@crmq`;
      // Drawn at twice the width it is shown (sharp on a phone's screen); the image shrinks with the mail, never cut.
      inline.push({ filename: `${r.id}.png`, content: Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: 1280 }, font: { loadSystemFonts: true } }).render().asPng()), cid, contentType: 'image/png' });
      img = `<p><img src="cid:${cid}" alt="${esc(r.title[input.lang])}" style="display:block;width:100%;max-width:640px;height:auto;border:0"></p>`;
    }
    const rows = r.rows.slice(0, input.rowsInBody ?? 10);
    const td = (text: string, c: { type: string }, bold = false) => `<td align="${NUMERIC.has(c.type) ? 'right' : 'left'}"${bold ? ' style="font-weight:bold;border-top:1px solid #ccc"' : ''}>${esc(text)}</td>`;
    // A wide table scrolls sideways on a phone (clients that ignore overflow show it whole, as before).
    const table = rows.length
      ? `<div style="overflow-x:auto;max-width:100%"><table cellpadding="4" style="border-collapse:collapse;font-size:13px"><tr>${r.columns.map((c) => `<th align="${NUMERIC.has(c.type) ? 'right' : 'left'}" style="border-bottom:1px solid #ccc">${esc(c[input.lang])}</th>`).join('')}</tr>${rows
          .map((row) => `<tr>${r.columns.map((c) => td(showCell(r, row, c, input.lang), c)).join('')}</tr>`)
          .join('')}${r.rows.length > rows.length ? `<tr><td colspan="${r.columns.length}" style="color:#555">${esc(moreRows(r.rows.length - rows.length, input.lang))}</td></tr>` : ''}${r.totals
          .map((t) => `<tr>${r.columns.map((c) => td(showTotalCell(r, t, c, input.lang), c, true)).join('')}</tr>`)
          .join('')}</table></div>`
      : `<p>${esc(w.noRows)}</p>`;
    const caveats = failingFirst(r.validations);
    blocks.push(`<h2 style="font-size:17px;margin-top:24px">${esc(r.title[input.lang])}</h2>
<p style="background:${COLOURS[r.status]};padding:6px 10px"><b>${esc(w.status)}: ${esc(w[r.status])}</b> · ${esc(r.period.start)} – ${esc(r.period.end)}</p>
${caveats.length || r.notes.length ? `<ul>${caveats.map((v) => `<li><b>${esc(VALIDATION_NAMES[v.name][input.lang])}</b>: ${esc(v.message[input.lang])}</li>`).join('')}${r.notes.map((n) => `<li><b>${esc(w.note)}</b>: ${esc(n[input.lang])}</li>`).join('')}</ul>` : ''}
${img}${table}`);
  }
  const html = `<!doctype html><html lang="${input.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head><body style="font-family:Arial,sans-serif;color:#1d232a;max-width:680px">
${input.intro ? `<p>${esc(input.intro)}</p>` : ''}${input.headline ? `<p><b>${esc(input.headline.heading)}</b></p><ul>${input.headline.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : ''}${input.checkLine ? `<p>${esc(input.checkLine)}</p>` : ''}
${blocks.join('\n')}
<p style="color:#777;font-size:12px">${esc(w.generated)}</p></body></html>`;
  const text = [
    input.intro, input.headline && [`${input.headline.heading}:`, ...input.headline.lines.map((l) => `  - ${l}`)].join('\n'), input.checkLine,
    ...input.reports.map((r) => `${r.title[input.lang]}: ${w[r.status]}${r.validations.filter((v) => v.status !== 'valid').map((v) => `\n  - ${v.message[input.lang]}`).join('')}${r.notes.map((n) => `\n  - ${n[input.lang]}`).join('')}${totalsText(r, input.lang)}`),
  ].filter(Boolean).join('\n\n');
  return {
    from: input.from, to: input.to, cc: input.cc, subject: input.subject, html, text,
    attachments: [...inline, ...input.attachments.map((path) => ({ filename: basename(path), path }))],
  };
}

/** The Total rows as text lines: "Total (RUB): Won amount 4,432,004.03; Won deals 8", only columns that sum. */
function totalsText(r: ReportResult, lang: Lang): string {
  const keyCols = r.columns.filter((c) => c.type === 'currency' || r.totalBy.includes(c.name));
  const keys = keyCols.map((c) => c.name);
  return r.totals.map((t) => {
    const label = keyCols.filter((c) => t[c.name] !== null && t[c.name] !== undefined).map((c) => formatCell(t[c.name], c.type, lang)).join(', ');
    const cells = r.columns.filter((c) => !keys.includes(c.name) && (r.noData.includes(c.name) || (t[c.name] !== null && t[c.name] !== undefined)))
      .map((c) => `${c[lang]} ${showTotalCell(r, t, c, lang)}`);
    return cells.length ? `\n  ${WORDS[lang].total}${label ? ` (${label})` : ''}: ${cells.join('; ')}` : '';
  }).join('');
}
