// Runs tasks one at a time. The engine has one context sequence; two generations on it at once
// would interleave their tokens in the same KV state.
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
