// Small SVG builders for the Lens's charts, the counterpart of dom.ts: createElementNS and setAttribute only.
// Geometry goes in presentation attributes, which the webview's CSP allows (it forbids style attributes);
// colours and strokes come from classes in lens.css.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with a class (none for ''), attributes and children. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, className: string, attrs: Record<string, string | number> = {},
  ...children: Node[]): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  if (className !== '') node.setAttribute('class', className);
  setAttrs(node, attrs);
  node.append(...children);
  return node;
}

/** Numbers are geometry in viewbox units, written with one decimal: a fraction of a pixel at the panel's widths. */
export function setAttrs(node: Element, attrs: Record<string, string | number>): void {
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, typeof value === 'number' ? value.toFixed(1) : value);
}

/** SVG text, set with textContent: labels are never parsed as markup. */
export function text(className: string, content: string, attrs: Record<string, string | number>): SVGTextElement {
  const node = svg('text', className, attrs);
  node.textContent = content;
  return node;
}
