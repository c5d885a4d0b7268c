// Charts as SVG: the report's chart spec → Vega-Lite → Vega, rendered headless (no canvas, no network).
// Money is never drawn across currencies: with more than one currency the chart has a panel per currency, each on its
// own axis titled with its currency; bars add up (stack, aggregate) only a column that sums.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { sums } from '../report-def.js';
import type { ReportResult } from '../run-report.js';
import { valueLabel, type Lang } from './i18n.js';

/** Number and time formats of the Russian charts, as the tables write them (4 432 004,03; янв): d3's ru-RU locales. */
const RU_LOCALE = {
  number: { decimal: ',', thousands: '\u00a0', grouping: [3], currency: ['', '\u00a0\u20bd'] },
  time: {
    dateTime: '%A, %e %B %Y г. %X', date: '%d.%m.%Y', time: '%H:%M:%S', periods: ['AM', 'PM'],
    days: ['воскресенье', 'понедельник', 'вторник', 'среда', 'четверг', 'пятница', 'суббота'], shortDays: ['вс', 'пн', 'вт', 'ср', 'чт', 'пт', 'сб'],
    months: ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'],
    shortMonths: ['янв', 'фев', 'мар', 'апр', 'май', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'],
  },
};

/** Readable text (12 px at 640 px wide), legends never cut, no label limit on axes' titles. */
const CONFIG: Record<string, unknown> = {
  font: 'Arial, Helvetica, sans-serif',
  title: { fontSize: 14, anchor: 'start' },
  axis: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal' },
  header: { labelFontSize: 12, titleFontSize: 12 },
  legend: { labelFontSize: 12, titleFontSize: 12, labelLimit: 0, orient: 'bottom', direction: 'horizontal', columns: 3 },
};
const CHAR_PX = 6.5; // a 12-px Arial character, on average

/**
 * `wide` (the mail, the HTML on a screen wider than 600 px): a 560-px plot, the title drawn above it. `narrow` (the HTML
 * on a phone): a 280-px plot, so the SVG, at most 400 px wide, is shown near its own size at a 400-px viewport and its
 * 12-px text stays above 10 px; no title inside (the page writes it above, where it wraps), legends in one column.
 */
export type ChartLayout = 'wide' | 'narrow';
const PLOT_WIDTH: Record<ChartLayout, number> = { wide: 560, narrow: 280 };
/**
 * The widest a narrow chart may be drawn: at a 400-px screen the column is 353 px (less the page's margins and a
 * scrollbar), where 12-px text drawn 400 px wide is shown at 10.6 px.
 */
export const NARROW_MAX_WIDTH = 400;

/** The chart's title: the report's own, else "measure — dimension"; money in several currencies says how it is split. */
export function chartTitle(r: ReportResult, lang: Lang): string | undefined {
  const c = r.chart;
  if (!c) return undefined;
  const col = (n: string) => r.columns.find((x) => x.name === n)!;
  const title = c.title?.[lang] ?? `${col(c.y)[lang]} — ${col(c.x)[lang]}`;
  const currency = r.columns.find((x) => x.type === 'currency')?.name;
  if (col(c.y).type !== 'money' || currency === undefined || new Set(r.rows.map((row) => row[currency] ?? null)).size < 2) return title;
  if (c.x === currency) return `${title} (${lang === 'ru' ? 'каждая валюта на своей оси' : 'each currency on its own axis'})`;
  return `${title} (${lang === 'ru' ? 'по валютам, каждая на своей оси' : 'per currency, each on its own axis'})`;
}

/** The Vega-Lite spec of a report's chart, or undefined when it has none to draw. */
export function chartSpec(r: ReportResult, lang: Lang, layout: ChartLayout = 'wide', plot = PLOT_WIDTH[layout]): TopLevelSpec | undefined {
  const c = r.chart;
  if (!c || r.rows.length === 0 || r.noData.includes(c.y)) return undefined;
  const col = (n: string) => r.columns.find((x) => x.name === n)!;
  const numeric = (n: string) => ['int', 'money', 'number', 'percent', 'days'].includes(col(n).type);
  const currency = r.columns.find((x) => x.type === 'currency')?.name;
  const money = col(c.y).type === 'money' && currency !== undefined;
  const currencies = money ? [...new Set(r.rows.map((row) => row[currency!] ?? null))] : [];
  const facet = money && currencies.length > 1 && c.x !== currency;
  // Text values as the tables show them (crmq's codes in the report's language), numbers as numbers.
  const text = new Set(r.columns.filter((x) => x.type === 'text').map((x) => x.name));
  const values = r.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : text.has(k) && typeof v === 'string' ? valueLabel(v, lang) : v])));
  // One currency: the axis says which; several: each panel is headed by its currency.
  const yTitle = money && currencies.length === 1 ? `${col(c.y)[lang]}, ${currencies[0] ?? '?'}` : col(c.y)[lang];
  const narrow = layout === 'narrow';
  const title = narrow ? {} : { title: chartTitle(r, lang) };
  const config = narrow ? { ...CONFIG, legend: { ...(CONFIG.legend as object), columns: 1 } } : CONFIG;
  const aggregate = c.type !== 'line' && sums(col(c.y)) ? { aggregate: 'sum' } : {};
  const xType = col(c.x).type === 'year' ? 'ordinal' : c.type === 'line' && col(c.x).type === 'date' ? 'temporal' : numeric(c.x) ? 'quantitative' : 'nominal';
  // Labels stay level when they fit their band; rotated 40° (never 90°) and cut with … only when they do not.
  const xValues = [...new Set(values.map((v) => String(v[c.x] ?? '')))];
  const longest = Math.max(0, ...xValues.map((v) => v.length));
  const fits = xType === 'quantitative' || xType === 'temporal' || longest * CHAR_PX <= (plot - 20) / Math.max(1, xValues.length);
  const xAxis = fits ? { labelAngle: 0 } : { labelAngle: -40, labelLimit: 140 };
  // Counts have whole ticks (no 0.5 tasks); money and counts in the report's number format; ratios as percents.
  const yType = col(c.y).type;
  const yAxis = yType === 'percent' ? { format: '~%' } : yType === 'int' ? { tickMinStep: 1, format: ',d' } : { format: ',~r' };
  const layer = {
    mark: c.type === 'line' ? { type: 'line', point: true } : { type: 'bar' },
    encoding: {
      x: { field: c.x, type: xType, title: col(c.x)[lang], sort: null, axis: xAxis },
      y: { field: c.y, type: 'quantitative', title: yTitle, ...aggregate, axis: yAxis },
      ...(c.color ? { color: { field: c.color, type: 'nominal', title: col(c.color)[lang] } } : {}),
      ...(c.color && c.type === 'bar' ? { xOffset: { field: c.color } } : {}),
    },
  };
  // Bars side by side per currency on one axis would compare roubles with euros: a panel (and axis) per currency.
  if (money && c.x === currency && currencies.length > 1) {
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', ...title,
      data: { values },
      facet: { column: { field: currency, type: 'nominal', title: col(currency!)[lang] } },
      spec: { width: Math.max(narrow ? 50 : 80, Math.floor((plot - 40) / currencies.length)), height: 220, ...layer, encoding: { ...layer.encoding, x: { ...layer.encoding.x, axis: null } } }, config,
      resolve: { scale: { y: 'independent', x: 'independent' } },
    } as unknown as TopLevelSpec;
  }
  if (facet) {
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', ...title,
      data: { values },
      facet: { row: { field: currency, type: 'nominal', title: col(currency!)[lang] } },
      spec: { width: plot, height: 160, ...layer }, config,
      resolve: { scale: { y: 'independent' } },
    } as unknown as TopLevelSpec;
  }
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: plot, height: 220, background: 'white', ...title, data: { values }, ...layer, config } as unknown as TopLevelSpec;
}

export async function chartSvg(r: ReportResult, lang: Lang, layout: ChartLayout = 'wide'): Promise<string | undefined> {
  const svg = await render(chartSpec(r, lang, layout));
  // Axis labels, panels and legends add to the plot: a narrow chart that came out too wide is drawn again, its plot
  // narrower by the excess (at least 160 px).
  const over = svg && layout === 'narrow' ? svgWidth(svg) - NARROW_MAX_WIDTH : 0;
  return over > 0 ? render(chartSpec(r, lang, layout, Math.max(160, PLOT_WIDTH.narrow - over))) : svg;

  async function render(spec: TopLevelSpec | undefined): Promise<string | undefined> {
    if (!spec) return undefined;
    const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', ...(lang === 'ru' ? { locale: RU_LOCALE as unknown as vega.LocaleFormatters } : {}) });
    const svg = await view.toSVG();
    view.finalize();
    return svg;
  }
}

/** The width an SVG is drawn at (its root's width attribute). */
export const svgWidth = (svg: string): number => Number(/^<svg [^>]*?\bwidth="([\d.]+)"/.exec(svg)?.[1] ?? 0);
