// Small DOM builders. Everything is made with createElement and textContent: token and line texts
// come from a model and from the user's files, and must never be parsed as HTML.

export interface Props {
  className?: string;
  testId?: string;
  text?: string;
  /** Plain-text tooltip. */
  title?: string;
  /** Other attributes (data-*, aria-*, role…), set with setAttribute. */
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className !== undefined) element.className = props.className;
  if (props.testId !== undefined) element.dataset.testid = props.testId;
  if (props.text !== undefined) element.textContent = props.text;
  if (props.title !== undefined) element.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

export function button(label: string, props: Props, onClick: () => void): HTMLButtonElement {
  const element = el('button', { ...props, text: label });
  element.type = 'button';
  element.addEventListener('click', onClick);
  return element;
}

/** A titled section of the panel. */
export function section(title: string, testId: string): { root: HTMLElement; body: HTMLElement } {
  const body = el('div', { className: 'section-body' });
  const root = el('section', { className: 'lens-section', testId }, el('h2', { text: title }), body);
  return { root, body };
}

/** A bar filled to a fraction (0–1) of its track. The width is a CSSOM write, which the webview's CSP allows. */
export function bar(testId: string, kind: 'raw' | 'final'): { track: HTMLElement; setFraction: (fraction: number) => void } {
  const fill = el('div', { className: `bar-fill ${kind}`, testId });
  const track = el('div', { className: `bar-track ${kind}` }, fill);
  const setFraction = (fraction: number): void => {
    const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
    fill.style.width = `${(clamped * 100).toFixed(2)}%`;
  };
  return { track, setFraction };
}

/**
 * Replaces a container's children and puts focus back on the element with the same `data-focus-key`,
 * so keyboard users do not lose their place when a section is rebuilt under them.
 */
export function replaceKeepingFocus(container: HTMLElement, ...children: Node[]): void {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && container.contains(active) ? active.dataset.focusKey : undefined;
  container.replaceChildren(...children);
  if (key === undefined) return;
  const candidates = Array.from(container.querySelectorAll<HTMLElement>('[data-focus-key]'));
  candidates.find((candidate) => candidate.dataset.focusKey === key)?.focus();
}
