// Charts as SVG: the report's chart spec → Vega-Lite → Vega, rendered headless (no canvas, no network).
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ReportResult } from '../run-report.js';
import type { Lang } from './i18n.js';

export async function chartSvg(r: ReportResult, lang: Lang): Promise<string | undefined> {
  const c = r.chart;
  if (!c || r.rows.length === 0) return undefined;
  const col = (n: string) => r.columns.find((x) => x.name === n)!;
  const numeric = (n: string) => ['int', 'money', 'number', 'percent', 'days'].includes(col(n).type);
  const values = r.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 560, height: 220, background: 'white',
    title: c.title?.[lang] ?? `${col(c.y)[lang]} — ${col(c.x)[lang]}`,
    data: { values },
    mark: c.type === 'line' ? { type: 'line', point: true } : { type: 'bar' },
    encoding: {
      x: { field: c.x, type: c.type === 'line' && col(c.x).type === 'date' ? 'temporal' : numeric(c.x) ? 'quantitative' : 'nominal', title: col(c.x)[lang], sort: null },
      y: { field: c.y, type: 'quantitative', title: col(c.y)[lang], ...(c.type === 'line' ? {} : { aggregate: 'sum' }), ...(col(c.y).type === 'percent' ? { axis: { format: '%' } } : {}) },
      ...(c.color ? { color: { field: c.color, type: 'nominal', title: col(c.color)[lang] } } : {}),
      ...(c.color && c.type === 'bar' ? { xOffset: { field: c.color } } : {}),
    },
  } as unknown as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
