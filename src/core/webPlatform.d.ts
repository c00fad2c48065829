// The web-platform globals core may use. core runs in Node (extension host, engine, tests) and in the Lens webview (a
// browser), so its tsconfig (src/tsconfig.pure.json) has neither lib "DOM" nor Node's types: this file declares the
// few globals that both platforms have, each as a subset of its lib.dom.d.ts and @types/node declarations. Add one
// only if Node >= 20 and browsers both have it. Other layers compile core's files against the full declarations, so a
// mismatch here still fails there.

interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

interface AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}
declare const AbortController: { prototype: AbortController; new (): AbortController };

interface URL {
  readonly href: string;
  readonly protocol: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly username: string;
  readonly password: string;
  readonly origin: string;
  search: string;
  hash: string;
}
declare const URL: { prototype: URL; new (url: string, base?: string): URL };

interface TextDecoder {
  readonly encoding: string;
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
declare const TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};

declare const performance: { now(): number };

/** A number in the browser, a Timeout object in Node: pass it back to clearTimeout, nothing else. */
interface TimerHandle {
  readonly __timerHandle: never;
}
declare function setTimeout(handler: () => void, timeout?: number): TimerHandle;
declare function clearTimeout(handle: TimerHandle | undefined): void;

declare function btoa(data: string): string;
declare function atob(data: string): string;
