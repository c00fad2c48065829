// A streaming tar reader: bytes go in as they arrive (in chunks of any size), entries and file data come out, and
// nothing is held but one header and the small bodies of pax headers and GNU long names. It writes nothing itself, so
// the caller decides what a path may be (see entryPath.ts) and where data goes.
//
// Reads ustar (with its prefix field), pax extended headers ('x': path and size; global 'g' ones are skipped) and GNU
// long names ('L'). Files and directories are reported; links, devices and the like are reported as 'other' and their
// bodies skipped.
import { concatBytes } from '../concatBytes';
import { BLOCK, isZeroBlock, parseHeader, readText } from './tarHeader';
import { parsePaxRecords } from './paxRecords';

export type TarEntryKind = 'file' | 'directory' | 'other';

export interface TarEntry {
  kind: TarEntryKind;
  path: string;
  mode: number;
  size: number;
  /** The header's type flag ('' for an old-style file). */
  type: string;
}

/** A 'file' entry is followed by its data (in pieces, possibly none) and then 'fileEnd'; other entries by nothing. */
export type TarEvent =
  | { kind: 'entry'; entry: TarEntry }
  | { kind: 'data'; bytes: Uint8Array }
  | { kind: 'fileEnd' };

/** Metadata headers are tiny; a bigger one is a broken or hostile archive, not a long name. */
const MAX_META_BYTES = 1 << 20;

type Body = 'file' | 'pax' | 'longName' | 'skip';

export class TarReader {
  private readonly header = new Uint8Array(BLOCK);
  private headerFill = 0;
  private body: Body | undefined;
  private dataLeft = 0;
  private paddingLeft = 0;
  private meta: Uint8Array[] = [];
  /** What a pax header or GNU long name says about the next entry. */
  private next: { path?: string; size?: number } = {};
  private ended = false;

  /** The events in `chunk`. Data events view `chunk`'s memory: use them before the chunk is reused. */
  push(chunk: Uint8Array): TarEvent[] {
    const events: TarEvent[] = [];
    let at = 0;
    // What follows the end marker is padding up to the record size: ignored.
    while (at < chunk.length && !this.ended) {
      if (this.body === undefined) {
        const n = Math.min(BLOCK - this.headerFill, chunk.length - at);
        this.header.set(chunk.subarray(at, at + n), this.headerFill);
        this.headerFill += n;
        at += n;
        if (this.headerFill === BLOCK) {
          this.headerFill = 0;
          this.onHeader(events);
        }
      } else if (this.dataLeft > 0) {
        const n = Math.min(this.dataLeft, chunk.length - at);
        this.onBody(chunk.subarray(at, at + n), events);
        this.dataLeft -= n;
        at += n;
      } else {
        const n = Math.min(this.paddingLeft, chunk.length - at);
        this.paddingLeft -= n;
        at += n;
      }
      if (this.body !== undefined && this.dataLeft === 0 && this.paddingLeft === 0) this.finishBody(events);
    }
    return events;
  }

  /** Call when the input is over: throws if the archive stopped short of its end marker. */
  end(): void {
    if (!this.ended) throw new Error('the archive is cut short');
  }

  private onHeader(events: TarEvent[]): void {
    // One zero block ends the archive (tar writes two, then pads the record).
    if (isZeroBlock(this.header)) {
      if (this.next.path !== undefined || this.next.size !== undefined) throw new Error('the archive ends after a pax header or long name');
      this.ended = true;
      return;
    }
    const header = parseHeader(this.header);
    const size = header.type === 'x' || header.type === 'g' || header.type === 'L' ? header.size : this.next.size ?? header.size;
    this.startBody(size);
    switch (header.type) {
      case 'x':
      case 'L':
        if (size > MAX_META_BYTES) throw new Error(`a ${header.type === 'x' ? 'pax header' : 'long name'} of ${size} bytes`);
        this.body = header.type === 'x' ? 'pax' : 'longName';
        this.meta = [];
        return;
      case 'g': // global pax header: nothing in it matters here
      case 'K': // GNU long link name: links are not extracted
        this.body = 'skip';
        return;
    }
    const path = this.next.path ?? header.path;
    this.next = {};
    const kind: TarEntryKind = header.type === '5' || (isFileType(header.type) && path.endsWith('/'))
      ? 'directory'
      : isFileType(header.type) ? 'file' : 'other';
    events.push({ kind: 'entry', entry: { kind, path, mode: header.mode, size: kind === 'file' ? size : 0, type: header.type } });
    this.body = kind === 'file' ? 'file' : 'skip';
  }

  private startBody(size: number): void {
    this.dataLeft = size;
    this.paddingLeft = (BLOCK - (size % BLOCK)) % BLOCK;
  }

  private onBody(bytes: Uint8Array, events: TarEvent[]): void {
    if (this.body === 'file') events.push({ kind: 'data', bytes });
    else if (this.body === 'pax' || this.body === 'longName') this.meta.push(bytes.slice());
  }

  private finishBody(events: TarEvent[]): void {
    const body = this.body;
    this.body = undefined;
    if (body === 'file') events.push({ kind: 'fileEnd' });
    if (body !== 'pax' && body !== 'longName') return;
    const bytes = concatBytes(this.meta);
    this.meta = [];
    if (body === 'longName') {
      this.next.path = readText(bytes);
      return;
    }
    const records = parsePaxRecords(bytes);
    const path = records.get('path');
    const size = records.get('size');
    if (path !== undefined) this.next.path = path;
    if (size !== undefined) {
      if (!/^\d+$/.test(size) || !Number.isSafeInteger(Number(size))) throw new Error(`a pax header has a bad size "${size}"`);
      this.next.size = Number(size);
    }
  }
}

/** '0', the old-style NUL ('') and '7' (contiguous file) are all regular files. */
function isFileType(type: string): boolean {
  return type === '0' || type === '' || type === '7';
}
