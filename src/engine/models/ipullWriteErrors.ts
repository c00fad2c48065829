// ipull 3 leaves a rejected promise unhandled for each write to the temp file that fails (`writePromise.then(...)` with
// no catch), and Node ends a process on an unhandled rejection: a full disk would kill the engine instead of failing
// the download. It also goes on fetching the rest of its range before it reports the failure. So those rejections
// are claimed here and handed to the running downloads, which stop at once; every other unhandled rejection still
// ends the process, as it would without this.

type Listener = (error: Error) => void;

const listeners = new Set<Listener>();
let installed = false;

/** Calls `listener` with each write error of ipull's until the returned function is called. */
export function onIpullWriteError(listener: Listener): () => void {
  // Installed for good: a download that already stopped can still have failing writes in flight.
  if (!installed) {
    process.on('unhandledRejection', claim);
    installed = true;
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function claim(reason: unknown): void {
  if (!isIpullWriteError(reason)) throw reason;
  for (const listener of listeners) listener(reason);
}

function isIpullWriteError(reason: unknown): reason is Error {
  return reason instanceof Error
    && typeof (reason as NodeJS.ErrnoException).code === 'string'
    && /[\\/]ipull[\\/].*write-stream/i.test(reason.stack ?? '');
}
