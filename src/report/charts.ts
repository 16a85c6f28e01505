import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Charts of the Servicepunt's report: a Vega-Lite spec compiled to SVG on the server and
 * rasterised to PNG with resvg (system fonts; DejaVu Sans when present). Fixed pixel size, so
 * the card can state it and tests can check it.
 */

export const CHART_WIDTH = 800;

export interface Png {
  png: Buffer;
  width: number;
  height: number;
}

export async function renderChart(spec: TopLevelSpec): Promise<Png> {
  const vega = compile(spec).spec;
  const view = new View(parse(vega), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const image = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'width', value: CHART_WIDTH },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  }).render();
  return { png: image.asPng(), width: image.width, height: image.height };
}

const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 560, height: 220, config: { font: 'DejaVu Sans' } } as const;

/** Grouped bars: one group per category (x), one bar per series; a null value is not drawn (suppressed). */
export function groupedBars(title: string, rows: { x: string; series: string; value: number | null }[], yTitle: string): TopLevelSpec {
  return {
    ...base,
    title,
    data: { values: rows },
    mark: 'bar',
    encoding: {
      x: { field: 'x', type: 'ordinal', title: null, sort: null },
      xOffset: { field: 'series', sort: null },
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: { domainMin: 0 }, axis: { format: 'd', tickMinStep: 1 } },
      color: { field: 'series', type: 'nominal', title: null, sort: null },
    },
  };
}

/** Horizontal bars, one per label, highlighted where `mark` is true. */
export function rankedBars(title: string, rows: { label: string; value: number | null; mark: boolean }[], xTitle: string, legend: [string, string]): TopLevelSpec {
  return {
    ...base,
    height: Math.max(80, rows.length * 22),
    title,
    data: { values: rows.map((r) => ({ ...r, group: r.mark ? legend[0] : legend[1] })) },
    mark: 'bar',
    encoding: {
      y: { field: 'label', type: 'nominal', title: null, sort: null, axis: { labelLimit: 260 } },
      x: { field: 'value', type: 'quantitative', title: xTitle, axis: { format: 'd', tickMinStep: 1 } },
      color: { field: 'group', type: 'nominal', title: null, scale: { domain: legend, range: ['#c0392b', '#4c78a8'] } },
    },
  };
}
