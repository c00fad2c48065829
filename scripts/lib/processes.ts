// Child processes with deadlines, and killing whole process trees.
// Used by the E2E installer (scripts/setupE2e.ts) and the code-server harness (scripts/lib/codeServer.ts).
// Nothing here waits without a deadline.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Keeps the last `limit` characters written to it: enough to explain a failure without holding a whole log. */
export class OutputTail {
  private text = '';
  constructor(private readonly limit = 8000) {}
  push(chunk: string | Buffer): void {
    this.text += chunk.toString();
    if (this.text.length > 2 * this.limit) this.text = this.text.slice(-this.limit);
  }
  toString(): string {
    return this.text.length > this.limit ? this.text.slice(-this.limit) : this.text;
  }
}

/** The pids of every live descendant of `rootPid` (Linux: read from /proc; elsewhere: none). */
export function descendantPids(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // It exited while we looked.
    }
    // The command name (field 2) may hold spaces and parentheses: parse after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const found: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends `child` and everything it started: SIGTERM to its process group and to each descendant found in /proc
 * (some re-parent or start their own group), then SIGKILL to whatever is still alive after `graceMs`.
 * Resolves once the child has exited and every known descendant is gone, or after the SIGKILL round's deadline.
 */
export async function killProcessTree(child: ChildProcess, graceMs = 5000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null;
  const pids = [...descendantPids(pid)];
  if (!exited) pids.unshift(pid);
  if (pids.length === 0) return;
  const exitPromise = exited ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));

  signal(-pid, 'SIGTERM'); // The group, when we spawned it detached (its pgid is its pid).
  for (const p of pids) signal(p, 'SIGTERM');
  if (await waitUntil(() => pids.every((p) => !isAlive(p)), graceMs)) {
    await withDeadline(exitPromise, 1000);
    return;
  }
  // Re-read: a process may have started children while being asked to stop.
  const stubborn = [...new Set([...pids, ...descendantPids(pid)])].filter(isAlive);
  signal(-pid, 'SIGKILL');
  for (const p of stubborn) signal(p, 'SIGKILL');
  await waitUntil(() => stubborn.every((p) => !isAlive(p)), 5000);
  await withDeadline(exitPromise, 1000);
}

/** Polls `condition` every 50 ms until it holds (true) or `timeoutMs` passes (false). */
async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (condition()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function withDeadline(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  if (timer) clearTimeout(timer);
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The deadline for the whole command; past it the process tree is killed and the promise rejects. */
  timeoutMs: number;
  /** Echo the command's output, each line prefixed with `  | `. Default true. */
  echo?: boolean;
}

export interface RunResult {
  code: number;
  output: string;
}

/**
 * Runs a command to completion with a deadline. Resolves with its exit code and (tail of) its output.
 * Rejects only when it cannot be started or runs past the deadline; a non-zero exit resolves (see `mustRun`).
 */
export function runWithDeadline(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise<RunResult>((resolve, reject) => {
    const tail = new OutputTail(16000);
    const echo = options.echo ?? true;
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // Its own process group, so a timeout can kill npm's whole tree of scripts.
      });
    } catch (error) {
      reject(new Error(`Cannot start ${command}: ${(error as Error).message}`));
      return;
    }
    let pending = '';
    const onData = (chunk: Buffer): void => {
      tail.push(chunk);
      if (!echo) return;
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(`  | ${line}\n`);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void killProcessTree(child, 3000);
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`Cannot start ${command}: ${error.message}`));
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      if (echo && pending) process.stdout.write(`  | ${pending}\n`);
      if (timedOut) {
        reject(
          new Error(
            `${command} ${args.join(' ')} ran past its ${Math.round(options.timeoutMs / 1000)} s deadline and was killed.\n` +
              `Last output:\n${tail.toString()}`,
          ),
        );
        return;
      }
      resolve({ code: code ?? (sig ? 128 : 1), output: tail.toString() });
    });
  });
}

/** Like `runWithDeadline`, but a non-zero exit rejects with the command and the tail of its output. */
export async function mustRun(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const result = await runWithDeadline(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with code ${result.code}.\nLast output:\n${result.output}`);
  }
  return result;
}
