// The history as charts: Vega-Lite specs rendered to SVG headless (as the report charts are), for the HTML page,
// and as PNG for the XLSX workbook.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { History } from './history.js';

export interface Chart {
  title: string;
  svg: string;
}

const SEVERITY_COLOURS = { domain: ['error', 'warn', 'info'], range: ['#d62728', '#ff7f0e', '#1f77b4'] };

async function svgOf(spec: Record<string, unknown>): Promise<string> {
  const full = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 560, height: 220, background: 'white', ...spec } as unknown as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

const label = (id: number, at: string) => `#${id} ${at.slice(5, 10)}`;
const X = (field: string, title: string) => ({ field, type: 'ordinal', title, sort: null, axis: { labelAngle: 0, labelOverlap: 'greedy' } });

/** Rows per import, fill rates, findings per check run by severity, new/resolved/duplicates per run: the charts that have data. */
export async function historyCharts(h: History): Promise<Chart[]> {
  const charts: Chart[] = [];
  const complete = h.imports.filter((i) => i.complete !== false);
  if (complete.length) {
    const title = 'Rows per export';
    charts.push({ title, svg: await svgOf({
      title, data: { values: complete.map((i) => ({ at: label(i.import_id, i.at), rows: i.rows, series: `${i.source} / ${i.entity}` })) },
      mark: { type: 'line', point: true },
      encoding: { x: X('at', 'import'), y: { field: 'rows', type: 'quantitative', title: 'rows' }, color: { field: 'series', type: 'nominal', title: 'source / entity' } },
    }) });
    const pairs = new Set(complete.map((i) => `${i.source} / ${i.entity}`));
    const one = pairs.size === 1;
    const fill = one
      ? complete.flatMap((i) => Object.entries(i.fields).map(([field, v]) => ({ at: label(i.import_id, i.at), fill: v / 100, series: field })))
      : complete.filter((i) => i.fill !== null).map((i) => ({ at: label(i.import_id, i.at), fill: i.fill! / 100, series: `${i.source} / ${i.entity}` }));
    if (fill.length) {
      const t = one ? `Fill rate per field (${[...pairs][0]})` : 'Mean fill rate per export';
      charts.push({ title: t, svg: await svgOf({
        title: t, data: { values: fill }, mark: { type: 'line', point: true },
        encoding: {
          x: X('at', 'import'), y: { field: 'fill', type: 'quantitative', title: 'filled', axis: { format: '%' }, scale: { domain: [0, 1] } },
          color: { field: 'series', type: 'nominal', title: one ? 'field' : 'source / entity' },
        },
      }) });
    }
  }
  if (h.runs.length) {
    const title = 'Findings per check run';
    charts.push({ title, svg: await svgOf({
      title, data: { values: h.runs.flatMap((r) => (['error', 'warn', 'info'] as const).map((s) => ({ run: label(r.run_id, r.at), severity: s, findings: r[s] }))) },
      mark: { type: 'bar' },
      encoding: {
        x: X('run', 'check run'), y: { field: 'findings', type: 'quantitative', title: 'findings', stack: true },
        color: { field: 'severity', type: 'nominal', scale: SEVERITY_COLOURS, sort: SEVERITY_COLOURS.domain },
      },
    }) });
    const t2 = 'New, resolved and duplicate findings per run';
    charts.push({ title: t2, svg: await svgOf({
      title: t2, data: { values: h.runs.flatMap((r) => [
        { run: label(r.run_id, r.at), what: 'new', n: r.new }, { run: label(r.run_id, r.at), what: 'resolved', n: r.resolved },
        { run: label(r.run_id, r.at), what: 'duplicates', n: r.duplicates },
      ]) },
      mark: { type: 'line', point: true },
      encoding: { x: X('run', 'check run'), y: { field: 'n', type: 'quantitative', title: 'findings' }, color: { field: 'what', type: 'nominal', title: '' } },
    }) });
  }
  return charts;
}
