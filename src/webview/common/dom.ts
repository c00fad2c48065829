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

/** Bubbles from a section whose heading the user clicked; LensApp saves which sections are collapsed. */
export const SECTION_TOGGLE_EVENT = 'lens-section-toggle';

/**
 * A titled section of the panel. Its heading is a button that collapses and expands the body (aria-expanded on the
 * button, as for a disclosure), and announces the change with SECTION_TOGGLE_EVENT.
 */
export function section(title: string, testId: string): { root: HTMLElement; body: HTMLElement } {
  const body = el('div', { className: 'section-body', attrs: { id: `${testId}-body` } });
  const toggle = button(title, {
    className: 'section-toggle', testId: 'section-toggle', attrs: { 'aria-expanded': 'true', 'aria-controls': body.id },
  }, () => {
    setCollapsed(root, toggle.getAttribute('aria-expanded') === 'true');
    root.dispatchEvent(new CustomEvent(SECTION_TOGGLE_EVENT, { bubbles: true }));
  });
  const root = el('section', { className: 'lens-section', testId, attrs: { 'data-section': testId } }, el('h2', {}, toggle), body);
  return { root, body };
}

/** Collapses or expands a section made by `section`. */
export function setCollapsed(root: HTMLElement, collapsed: boolean): void {
  const toggle = root.querySelector<HTMLElement>(':scope > h2 > .section-toggle');
  const body = root.querySelector<HTMLElement>(':scope > .section-body');
  if (!toggle || !body) return;
  toggle.setAttribute('aria-expanded', String(!collapsed));
  body.hidden = collapsed;
  root.classList.toggle('collapsed', collapsed);
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
