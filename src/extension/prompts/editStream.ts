// Streams text into a document one edit at a time. Chunks that arrive while an edit is applied
// are joined into the next one, so a fast model never queues hundreds of edits.
export class EditStream {
  private pending = '';
  private running: Promise<void> | undefined;
  private failure: unknown;

  constructor(private readonly apply: (text: string) => Thenable<boolean>) {}

  push(text: string): void {
    if (text.length === 0) return;
    this.pending += text;
    this.running ??= this.drain();
  }

  /** Resolves once everything pushed so far is in the document; rejects if an edit failed. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    if (this.failure !== undefined) throw this.failure instanceof Error ? this.failure : new Error(String(this.failure));
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0 && this.failure === undefined) {
        const text = this.pending;
        this.pending = '';
        if (!(await this.apply(text))) this.failure = new Error('The editor refused the edit (the document may have been closed).');
      }
    } catch (error) {
      this.failure = error;
    } finally {
      this.running = undefined;
    }
  }
}
