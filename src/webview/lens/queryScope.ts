// Which cursor queries the token tree may take answers from. A late `children` answer for a path
// the user also expands at a new cursor position would otherwise be filed under the new tree.
// Not saved: a restored page starts from the saved cursor's query.
export class QueryScope {
  private readonly ids = new Set<number>();

  constructor(restored?: number) {
    if (restored !== undefined) this.ids.add(restored);
  }

  /** A cursor message; `treeKept` when it is the same place and distribution, so the tree stays valid. */
  cursor(queryId: number, treeKept: boolean): void {
    if (!treeKept) this.ids.clear();
    this.ids.add(queryId);
  }

  accepts(queryId: number): boolean {
    return this.ids.has(queryId);
  }
}
