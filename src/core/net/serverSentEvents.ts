// Server-sent events, parsed as they arrive: the text of a stream comes in chunks that split lines and events
// anywhere, and an event is complete only at its blank line. Only `data` fields matter to a chat stream; comments
// (":" lines, llama-server's keep-alives) and other fields are skipped. A stream that ends inside an event is cut
// off, and `end` says so rather than deliver half an event.

export class ServerSentEvents {
  private buffer = '';
  private data: string[] = [];

  /** The data of every event the chunk completes, in order. */
  push(chunk: string): string[] {
    this.buffer += chunk;
    const events: string[] = [];
    for (;;) {
      const newline = this.buffer.search(/\r\n|\r|\n/);
      if (newline === -1) break;
      const breakLength = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      // A lone "\r" at the chunk's end may be the first half of "\r\n": wait for the next chunk.
      if (this.buffer[newline] === '\r' && breakLength === 1 && newline === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + breakLength);
      if (line === '') {
        if (this.data.length > 0) events.push(this.data.join('\n'));
        this.data = [];
      } else if (line.startsWith('data:')) {
        this.data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
    }
    return events;
  }

  /**
   * The stream has ended: the events a last lone "\r" completes, and whether it ended between events (`complete`)
   * rather than being cut off inside one.
   */
  end(): { events: string[]; complete: boolean } {
    const events = this.buffer.endsWith('\r') ? this.push('\n') : [];
    return { events, complete: this.buffer.trim() === '' && this.data.length === 0 };
  }
}
