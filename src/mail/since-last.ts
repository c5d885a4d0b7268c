// What the pipeline mail leads with: a few headline figures and their change since the last mail, then the data
// problems found since it. The last mail's figures, finding ids and data are kept in <out>/.crmq-last-delivery.json.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Finding } from '../commands/check.js';
import { CrmqError } from '../errors.js';
import { dataNote, type DataStamp } from '../reports/compare.js';
import { formatCell, NUMERIC } from '../reports/render/format.js';
import type { Lang } from '../reports/render/i18n.js';
import { sums } from '../reports/report-def.js';
import type { ReportResult } from '../reports/run-report.js';
import { totalKeys } from '../reports/totals.js';

export interface Headline {
  /** report id.column */
  id: string;
  label: { en: string; ru: string };
  type: string;
  /** The column's Total (the first Total row's, when the report has one per currency). */
  value: number;
}

const LastDelivery = z.object({
  digest: z.string(), at: z.string(),
  headline: z.array(z.object({ id: z.string(), value: z.number() })).default([]),
  findings: z.array(z.string()).optional(),
  data: z.array(z.object({ table: z.string(), source: z.string(), rows: z.number(), last_import: z.number() })).optional(),
});
export type LastDelivery = z.infer<typeof LastDelivery>;

export function readLastDelivery(file: string): LastDelivery | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return LastDelivery.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined; // an unreadable memo (an older crmq's, a crash) only costs the comparison
  }
}

/**
 * The figures a mail leads with: each `report.column` asked for, or by default the first three columns that add up, in
 * report order. A figure is the column's Total; a report with a Total per currency gives the first one's, labelled
 * with it.
 */
export function headlineFigures(reports: ReportResult[], wanted?: string[]): Headline[] {
  const figure = (r: ReportResult, c: ReportResult['columns'][number]): Headline => {
    const keys = totalKeys(r);
    const split = r.totals.length > 1 ? ` ${keys.map((k) => r.totals[0][k]).join(' ')}` : '';
    return {
      id: `${r.id}.${c.name}`, type: c.type, value: Number(r.totals[0]?.[c.name] ?? 0),
      label: { en: `${c.en}${split} (${r.title.en})`, ru: `${c.ru}${split} (${r.title.ru})` },
    };
  };
  if (wanted?.length) {
    return wanted.map((w) => {
      const [id, col] = [w.slice(0, w.lastIndexOf('.')), w.slice(w.lastIndexOf('.') + 1)];
      const r = reports.find((x) => x.id === id);
      const c = r?.columns.find((x) => x.name === col);
      if (!r || !c) throw new CrmqError(`deliver.headline: "${w}" is not a column of a report this run made (${reports.map((x) => x.id).join(', ') || 'none'})`);
      if (!sums(c)) throw new CrmqError(`deliver.headline: "${w}" does not add up (a ${c.type} column${NUMERIC.has(c.type) ? ' without sum: true' : ''}): name a count or an amount`);
      return figure(r, c);
    });
  }
  return reports.flatMap((r) => r.columns.filter((c) => sums(c) && !r.noData.includes(c.name)).map((c) => figure(r, c))).slice(0, 3);
}

const T = {
  en: { since: (at: string) => `Since the last mail (${at} UTC)`, first: 'Headline figures (the first mail: nothing to compare with yet)', problems: (n: number, rules: string) => `New data problems since the last mail: ${n}${rules ? ` (${rules})` : ''}`, none: 'No new data problems since the last mail', resolved: (n: number) => `${n} resolved` },
  ru: { since: (at: string) => `С прошлого письма (${at} UTC)`, first: 'Главные цифры (первое письмо: сравнивать пока не с чем)', problems: (n: number, rules: string) => `Новые проблемы в данных с прошлого письма: ${n}${rules ? ` (${rules})` : ''}`, none: 'Новых проблем в данных с прошлого письма нет', resolved: (n: number) => `решено: ${n}` },
};

/** The headline block of the mail: a heading and its lines, in the mail's language. */
export function sinceLastMail(now: Headline[], last: LastDelivery | undefined, lang: Lang, check?: { findings: Finding[] }, data?: DataStamp): { heading: string; lines: string[] } {
  const t = T[lang];
  const before = new Map((last?.headline ?? []).map((h) => [h.id, h.value]));
  const lines = now.map((h) => {
    const b = before.get(h.id);
    const value = `${h.label[lang]}: ${formatCell(h.value, h.type, lang)}`;
    if (b === undefined) return value;
    const d = Math.round((h.value - b) * 100) / 100;
    if (d === 0) return `${value} (${lang === 'ru' ? 'без изменений' : 'unchanged'})`;
    const rel = b !== 0 ? `, ${d >= 0 ? '+' : '−'}${formatCell(Math.abs(d / b), 'percent', lang)}` : '';
    return `${value} (${d >= 0 ? '+' : '−'}${formatCell(Math.abs(d), h.type, lang)}${rel}; ${lang === 'ru' ? 'было' : 'was'} ${formatCell(b, h.type, lang)})`;
  });
  // A pipeline re-imports every run: only sources that came or went are worth a line.
  const note = last?.data && data ? dataNote(last.data, data, { reimports: false }) : undefined;
  if (note) lines.push(note[lang]);
  if (check && last?.findings) {
    const seen = new Set(last.findings);
    const fresh = check.findings.filter((f) => !seen.has(f.id));
    const ids = new Set(check.findings.map((f) => f.id));
    const resolved = last.findings.filter((id) => !ids.has(id)).length;
    const byRule = new Map<string, number>();
    for (const f of fresh) byRule.set(`${f.rule} ${f.severity}`, (byRule.get(`${f.rule} ${f.severity}`) ?? 0) + 1);
    const rules = [...byRule].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5).map(([k, n]) => `${k}: ${n}`).join(', ');
    lines.push(`${fresh.length ? t.problems(fresh.length, rules) : t.none}${resolved ? `; ${t.resolved(resolved)}` : ''}`);
  }
  return { heading: last ? t.since(last.at.slice(0, 16).replace('T', ' ')) : t.first, lines };
}
