// The report mail: an HTML body with each report's status, caveats and a summary table, its chart as an inline
// PNG (mail clients block SVG), and the report files attached.
import { Resvg } from '@resvg/resvg-js';
import { basename } from 'node:path';
import type { SendMailOptions } from 'nodemailer';
import { chartSvg } from '../reports/render/chart.js';
import { formatCell, NUMERIC } from '../reports/render/format.js';
import { VALIDATION_NAMES, WORDS, type Lang } from '../reports/render/i18n.js';
import type { ReportResult } from '../reports/run-report.js';

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
  /** One line about the data-quality check, when the run had one. */
  checkLine?: string;
  attachments: string[];
  rowsInBody?: number;
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
      inline.push({ filename: `${r.id}.png`, content: Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: 640 }, font: { loadSystemFonts: true } }).render().asPng()), cid, contentType: 'image/png' });
      img = `<p><img src="cid:${cid}" alt="${esc(r.title[input.lang])}" width="640"></p>`;
    }
    const rows = r.rows.slice(0, input.rowsInBody ?? 10);
    const table = rows.length
      ? `<table cellpadding="4" style="border-collapse:collapse;font-size:13px"><tr>${r.columns.map((c) => `<th align="${NUMERIC.has(c.type) ? 'right' : 'left'}" style="border-bottom:1px solid #ccc">${esc(c[input.lang])}</th>`).join('')}</tr>${rows
          .map((row) => `<tr>${r.columns.map((c) => `<td align="${NUMERIC.has(c.type) ? 'right' : 'left'}">${esc(formatCell(row[c.name], c.type, input.lang))}</td>`).join('')}</tr>`)
          .join('')}</table>${r.rows.length > rows.length ? `<p style="color:#555">… ${r.rows.length - rows.length} more rows in the attachment</p>` : ''}`
      : `<p>${esc(w.noRows)}</p>`;
    const caveats = r.validations.filter((v) => v.status !== 'valid');
    blocks.push(`<h2 style="font-size:17px;margin-top:24px">${esc(r.title[input.lang])}</h2>
<p style="background:${COLOURS[r.status]};padding:6px 10px"><b>${esc(w.status)}: ${esc(w[r.status])}</b> · ${esc(r.period.start)} – ${esc(r.period.end)}</p>
${caveats.length ? `<ul>${caveats.map((v) => `<li><b>${esc(VALIDATION_NAMES[v.name][input.lang])}</b>: ${esc(v.message[input.lang])}</li>`).join('')}</ul>` : ''}
${img}${table}`);
  }
  const html = `<!doctype html><html><body style="font-family:Arial,sans-serif;color:#1d232a">
${input.intro ? `<p>${esc(input.intro)}</p>` : ''}${input.checkLine ? `<p>${esc(input.checkLine)}</p>` : ''}
${blocks.join('\n')}
<p style="color:#777;font-size:12px">${esc(w.generated)}</p></body></html>`;
  const text = [
    input.intro, input.checkLine,
    ...input.reports.map((r) => `${r.title[input.lang]}: ${w[r.status]}${r.validations.filter((v) => v.status !== 'valid').map((v) => `\n  - ${v.message[input.lang]}`).join('')}`),
  ].filter(Boolean).join('\n\n');
  return {
    from: input.from, to: input.to, cc: input.cc, subject: input.subject, html, text,
    attachments: [...inline, ...input.attachments.map((path) => ({ filename: basename(path), path }))],
  };
}
