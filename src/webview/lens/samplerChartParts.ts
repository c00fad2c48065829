// The sampler chart's fixed parts: its vertical layout, the axes and the cut-off lines (samplerChart.ts lays them out).
import { boundaryX, probabilityY } from '../../core/lens/samplerCuts';
import { setAttrs, svg, text } from './svg';

/** Vertical layout, in viewbox units, which samplerChart.ts keeps equal to CSS pixels. */
export const HEIGHT = 130;
export const MARGIN = { left: 26, right: 8, top: 6, bottom: 16 };
export const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Decades of probability below 1 on the y axis: a 32,000-token vocabulary's flat tail sits 4–5 decades down. */
export const DECADES = 6;
const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** Grid lines and labels every two decades of probability, and the frame: the y axis always runs from 1 down. */
export function probabilityAxis(width: number): SVGElement[] {
  const parts: SVGElement[] = [svg('path', 'chart-frame', { d: `M0,0V${PLOT_HEIGHT}H${width}` })];
  for (let decade = 0; decade <= DECADES; decade += 2) {
    const y = probabilityY(10 ** -decade, PLOT_HEIGHT, DECADES);
    const label = decade === 0 ? '1' : `10⁻${SUPERSCRIPT_DIGITS[decade] ?? decade}`;
    parts.push(svg('line', 'chart-grid', { x1: 0, x2: width, y1: y, y2: y }),
      text('chart-tick', label, { x: -3, y, 'text-anchor': 'end', 'dominant-baseline': 'middle' }));
  }
  return parts;
}

/** Ticks at ranks 1, 10, 100… up to the vocabulary's size, on the left edge of each such rank. */
export function rankTicks(total: number, width: number): SVGElement[] {
  const ticks: SVGElement[] = [];
  for (let rank = 1; rank <= total; rank *= 10) {
    const x = boundaryX(rank - 1, total, width);
    const label = rank >= 1000 ? `${rank / 1000}k` : String(rank);
    ticks.push(svg('line', 'chart-grid', { x1: x, x2: x, y1: PLOT_HEIGHT, y2: PLOT_HEIGHT + 3 }),
      text('chart-tick', label, { x, y: PLOT_HEIGHT + 11, 'text-anchor': rank === 1 ? 'start' : 'middle' }));
  }
  return ticks;
}

export interface CutLine {
  group: SVGGElement;
  /** `at`: the line's x (vertical) or y (horizontal); `data` null hides the line while its sampler is off. */
  show(data: Record<string, string> | null, at: number, tooltip: string, width: number): void;
}

/** A cut-off line with its label and tooltip; hidden, and stripped of its data-* attributes, while its sampler is off. */
export function cutLine(testId: string, label: string, direction: 'vertical' | 'horizontal', labelY = 0): CutLine {
  const line = svg('line', 'cut-line');
  const mark = text('cut-label', label, { 'text-anchor': direction === 'vertical' ? 'start' : 'end' });
  const tooltip = svg('title', '');
  const group = svg('g', `cut ${testId}`, { 'data-testid': testId, display: 'none' }, tooltip, line, mark);
  let dataNames: string[] = [];
  const show = (data: Record<string, string> | null, at: number, title: string, width: number): void => {
    for (const name of dataNames) group.removeAttribute(name);
    dataNames = Object.keys(data ?? {});
    if (data === null) {
      group.setAttribute('display', 'none');
      return;
    }
    group.removeAttribute('display');
    setAttrs(group, data);
    if (direction === 'vertical') {
      setAttrs(line, { x1: at, x2: at, y1: 0, y2: PLOT_HEIGHT });
      setAttrs(mark, { x: at + 2, y: labelY });
    } else {
      setAttrs(line, { x1: 0, x2: width, y1: at, y2: at });
      setAttrs(mark, { x: width - 2, y: at - 2 });
    }
    tooltip.textContent = title;
  };
  return { group, show };
}
