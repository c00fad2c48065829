// The sampler lab's chart: probability against rank, both on log axes, the raw and the final curves, the kept ranks
// shaded and each sampler's cut drawn where it falls. SVG built with createElementNS and setAttribute (presentation
// attributes, which the webview's CSP allows, unlike style attributes); colours come from lens.css classes.
// Each cut carries its numbers as data-* attributes, so an end-to-end test reads what the chart shows.
import type { SampledDistribution, SamplerSettings } from '../../core/lens/distributionMath';
import { boundaryX, chartPoints, probabilityY, samplerCuts, type SamplerCuts } from '../../core/lens/samplerCuts';
import { el } from '../common/dom';
import {
  cutLine, DECADES, HEIGHT, MARGIN, PLOT_HEIGHT, probabilityAxis, rankTicks, type CutLine,
} from './samplerChartParts';
import { setAttrs, svg } from './svg';

/**
 * The chart is drawn at its measured width, one viewbox unit per CSS pixel, so text and strokes keep their size from a
 * 250 px panel to a 600 px one and only the plot stretches; scaling one fixed viewbox made labels 7 px or 18 px tall.
 * `initial` is drawn before the first measurement; measurements are clamped to the range (0 is a hidden panel).
 */
const WIDTH = { initial: 260, min: 160, max: 900 };

export interface SamplerChart {
  root: HTMLElement;
  /** `sorted`: the raw probabilities, descending; `final`: what the samplers leave of them at `settings`. */
  update(sorted: Float32Array, settings: SamplerSettings, final: SampledDistribution): void;
}

function polylinePoints(values: ArrayLike<number>, total: number, width: number): string {
  return chartPoints(values, total, width, PLOT_HEIGHT, DECADES).map(({ x, y }) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
}

function summarise(total: number, cuts: SamplerCuts, temperature: number): string {
  const parts = [`Probability against rank, both on log scales, for ${total} ranks.`];
  if (cuts.topK !== null) parts.push(`Top-k keeps ${cuts.topK}.`);
  if (cuts.topP !== null) parts.push(`Top-p keeps ${cuts.topP}.`);
  if (cuts.minP !== null) parts.push(`Min-p keeps ${cuts.minP} (threshold ${(cuts.minPThreshold ?? 0).toPrecision(2)}).`);
  parts.push(`${cuts.kept} ranks kept, at temperature ${temperature}.`);
  return parts.join(' ');
}

interface CutLines {
  topK: CutLine;
  topP: CutLine;
  minP: CutLine;
}

/** Each line's data-rank is how many leading ranks its step keeps: the line sits on the boundary after that rank. */
function drawCuts(lines: CutLines, cuts: SamplerCuts, settings: SamplerSettings, total: number, width: number): void {
  const x = (rank: number | null): number => boundaryX(rank ?? 0, total, width);
  const { topK, topP, minP } = cuts;
  lines.topK.show(topK === null ? null : { 'data-rank': String(topK), 'data-k': String(settings.topK) },
    x(topK), `top-k ${settings.topK}: keeps ranks 1–${topK}`, width);
  lines.topP.show(topP === null ? null : { 'data-rank': String(topP), 'data-p': String(settings.topP) },
    x(topP), `top-p ${settings.topP}: keeps ranks 1–${topP}`, width);
  const threshold = cuts.minPThreshold ?? 0;
  const data = { 'data-rank': String(minP), 'data-min-p': String(settings.minP), 'data-threshold': String(threshold) };
  lines.minP.show(minP === null ? null : data, probabilityY(threshold, PLOT_HEIGHT, DECADES),
    `min-p ${settings.minP}: drops p < ${threshold.toPrecision(2)}, keeps ranks 1–${minP}`, width);
}

interface Drawing {
  sorted: Float32Array;
  settings: SamplerSettings;
  sampled: SampledDistribution;
}

export function createSamplerChart(): SamplerChart {
  const title = svg('title', '');
  const kept = svg('rect', 'kept-region', { 'data-testid': 'kept-region', x: 0, y: 0, height: PLOT_HEIGHT });
  const raw = svg('polyline', 'raw-curve', { 'data-testid': 'raw-curve' });
  const final = svg('polyline', 'final-curve', { 'data-testid': 'final-curve' });
  const axes = svg('g', 'chart-axis');
  const ticks = svg('g', 'chart-axis');
  const lines: CutLines = {
    topK: cutLine('cut-top-k', 'k', 'vertical', 8),
    topP: cutLine('cut-top-p', 'p', 'vertical', 18),
    minP: cutLine('cut-min-p', 'min-p', 'horizontal'),
  };
  const plot = svg('g', '', { transform: `translate(${MARGIN.left},${MARGIN.top})` },
    kept, axes, ticks, raw, final, lines.topK.group, lines.topP.group, lines.minP.group);
  const chart = svg('svg', 'sampler-chart', { width: '100%', height: String(HEIGHT), role: 'img' }, title, plot);
  const caption = el('p', { className: 'hint chart-caption',
    text: 'Thin: the raw distribution. Thick: after the samplers and the temperature. Shaded: the ranks kept. '
      + 'Dashed: the top-k (k) and top-p (p) cuts. Dotted: the min-p threshold.' });
  const root = el('div', { className: 'sampler-chart-box', testId: 'sampler-chart' }, chart, caption);
  root.hidden = true; // Until there is a distribution to draw.
  let viewWidth = 0;
  /** The plot's width: the viewbox's less the margins. */
  let width = 0;
  let last: Drawing | null = null;
  let rawDrawn = false;

  const draw = ({ sorted, settings, sampled }: Drawing): void => {
    const total = sorted.length;
    if (!rawDrawn) {
      // The raw curve and the rank axis change only with the distribution or the width, not on every slider move.
      raw.setAttribute('points', polylinePoints(sorted, total, width));
      setAttrs(raw, { 'data-ranks': String(total), 'data-top': String(sorted[0] ?? 0) });
      ticks.replaceChildren(...rankTicks(total, width));
      rawDrawn = true;
    }
    final.setAttribute('points', polylinePoints(sampled.probabilities.subarray(0, sampled.kept), total, width));
    setAttrs(final, { 'data-ranks': String(sampled.kept), 'data-top': String(sampled.probabilities[0] ?? 0) });
    setAttrs(kept, { width: boundaryX(sampled.kept, total, width), 'data-rank': String(sampled.kept), 'data-total': String(total) });
    const cuts = samplerCuts(sorted, settings);
    drawCuts(lines, cuts, settings, total, width);
    const summary = summarise(total, cuts, settings.temperature);
    title.textContent = summary;
    chart.setAttribute('aria-label', summary);
  };
  const resize = (measured: number): void => {
    const clamped = Math.round(Math.min(WIDTH.max, Math.max(WIDTH.min, measured)));
    if (clamped === viewWidth) return;
    viewWidth = clamped;
    width = clamped - MARGIN.left - MARGIN.right;
    chart.setAttribute('viewBox', `0 0 ${clamped} ${HEIGHT}`);
    axes.replaceChildren(...probabilityAxis(width));
    rawDrawn = false;
    if (last !== null) draw(last);
  };
  resize(WIDTH.initial);
  // The viewbox follows the drawn width; the svg's own size does not depend on the viewbox, so this cannot loop.
  new ResizeObserver((entries) => {
    const measured = entries[0]?.contentRect.width ?? 0;
    if (measured > 0) resize(measured);
  }).observe(chart);

  const update = (sorted: Float32Array, settings: SamplerSettings, sampled: SampledDistribution): void => {
    root.hidden = sorted.length === 0;
    if (sorted !== last?.sorted) rawDrawn = false;
    last = { sorted, settings, sampled };
    draw(last);
  };
  return { root, update };
}
