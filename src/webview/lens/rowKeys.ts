// Keyboard navigation over the Lens's rows: the arrow keys move between the rows of a container, Home and End jump
// to its ends, and Enter (or → on a closed node, ← on an open one) works the row's expand button. One row at a time
// is in the tab order (a roving tabindex), so Tab crosses a list of 20 tokens in one step.

const EXPAND = ':scope > [data-testid="expand"], :scope > .tree-row > [data-testid="expand"]';

/** Rows not inside a hidden list or collapsed section: read from the `hidden` attributes, not from the layout, so that
 * a refresh in the middle of a render does not force one (it cost 3 ms of a 10 ms update). */
function visibleRows(container: HTMLElement, selector: string): HTMLElement[] {
  return Array.from(container.querySelectorAll<HTMLElement>(selector)).filter((row) => row.closest('[hidden]') === null);
}

function expandOf(row: HTMLElement): HTMLButtonElement | null {
  return row.querySelector<HTMLButtonElement>(EXPAND);
}

/** Puts `row` (or else the first row) alone in the tab order. */
function rove(rows: HTMLElement[], row: HTMLElement | undefined): void {
  const current = row ?? rows[0];
  for (const each of rows) each.tabIndex = each === current ? 0 : -1;
}

export interface RowKeys {
  /** Call after the rows change: keeps one of them, the focused one if any, in the tab order. */
  refresh(): void;
}

export function rowKeys(container: HTMLElement, selector: string): RowKeys {
  const refresh = (): void => {
    const rows = visibleRows(container, selector);
    const active = document.activeElement;
    const holder = rows.find((row) => row === active || row.contains(active)) ?? rows.find((row) => row.tabIndex === 0);
    rove(rows, holder);
  };
  container.addEventListener('keydown', (event) => {
    const target = event.target instanceof HTMLElement ? event.target : null;
    const row = target?.closest<HTMLElement>(selector);
    if (!row || !container.contains(row)) return;
    const rows = visibleRows(container, selector);
    const index = rows.indexOf(row);
    const move = (to: number): void => {
      const next = rows[Math.max(0, Math.min(rows.length - 1, to))];
      if (!next) return;
      rove(rows, next);
      next.focus();
    };
    const expand = expandOf(row);
    const state = expand?.dataset.state;
    switch (event.key) {
      case 'ArrowDown': move(index + 1); break;
      case 'ArrowUp': move(index - 1); break;
      case 'Home': move(0); break;
      case 'End': move(rows.length - 1); break;
      // On a button inside the row, Enter is the button's own.
      case 'Enter': if (target === row && expand && !expand.disabled) expand.click(); else return; break;
      case 'ArrowRight': if (expand && state === 'closed' && !expand.disabled) expand.click(); else return; break;
      case 'ArrowLeft': if (expand && state !== 'closed') expand.click(); else return; break;
      default: return;
    }
    event.preventDefault();
  });
  return { refresh };
}
