// The extension host's side of the soak, wired as src/extension/extension.ts wires it: a real EngineClient forking
// the engine, a ModelSession keeping the model loaded, and the CompletionPipeline on the wall clock. It runs one
// workload request at a time and reports how each settled, never rejecting.
import { EngineClient } from '../../../src/client/EngineClient';
import { isCancellation } from '../../../src/client/Engine';
import { ModelSession } from '../../../src/client/ModelSession';
import { CompletionPipeline, type PipelineSettings } from '../../../src/core/completion/CompletionPipeline';
import { realClock } from '../../../src/core/completion/realClock';
import type { EngineHealth, LoadParams } from '../../../src/protocol/engineProtocol';
import type { Settled } from './RequestTracker';
import type { SoakOp } from './workload';

export interface SoakHostOptions {
  enginePath: string;
  modelPath: string;
  maxTokens: number;
  /** Engine log lines at warn and error level. */
  log?: (line: string) => void;
}

/** An AbortSignal that fires after `ms` (never for null), and a way to drop its timer once the request settled. */
function abortAfter(ms: number | null): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = ms === null ? undefined : setTimeout(() => controller.abort(), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

function failure(error: unknown, signal: AbortSignal): Settled {
  if (isCancellation(error) || signal.aborted) return { outcome: 'cancelled' };
  return { outcome: 'error', error: error instanceof Error ? error.message : String(error) };
}

export class SoakHost {
  readonly client: EngineClient;
  readonly session: ModelSession;
  readonly pipeline: CompletionPipeline;
  /** Why the engine process ended, each time it ended without being asked to. */
  readonly engineExits: string[] = [];
  /** The last Lens query's top tokens: the tree nodes a path can go through. */
  private lastTop: number[] = [];

  constructor(private readonly options: SoakHostOptions) {
    this.client = new EngineClient({
      enginePath: options.enginePath,
      // So that `health` can collect garbage before it measures (engineHealth.ts); the extension never sets it.
      env: { NODE_OPTIONS: [process.env.NODE_OPTIONS, '--expose-gc'].filter(Boolean).join(' ') },
      log: (level, message) => {
        if (level !== 'info') options.log?.(`[engine ${level}] ${message}`);
      },
    });
    this.client.onExit((reason, expected) => {
      if (!expected) this.engineExits.push(reason);
    });
    this.session = new ModelSession(this.client);
    this.session.configure(soakLoadParams(options.modelPath));
    this.pipeline = new CompletionPipeline(
      (params, signal) => this.session.request('complete', params, { signal }),
      realClock,
      () => this.settings(),
      () => (this.session.state.kind === 'ready' ? this.session.state.info.filePath : 'none'),
    );
  }

  run(op: SoakOp): Promise<Settled> {
    switch (op.kind) {
      case 'complete':
        return this.complete(op);
      case 'distribution':
        return this.distribution(op);
      case 'surprisal':
        return this.withAbort(op.cancelAfterMs, (signal) =>
          this.session.request('surprisal', { text: op.text, scoreFrom: 0, detail: 'bits' }, { signal }),
        );
      default: {
        const unreachable: never = op;
        throw new Error(`unknown soak op ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** Unqueued in the engine: it answers while a request runs. */
  health(): Promise<EngineHealth> {
    return this.session.direct('health', {});
  }

  dispose(): void {
    this.pipeline.reset();
    this.client.dispose();
  }

  private async complete(op: Extract<SoakOp, { kind: 'complete' }>): Promise<Settled> {
    const abort = abortAfter(op.mode === 'cancelled' ? op.cancelAfterMs : null);
    try {
      const suggestion = await this.pipeline.complete(op.query, abort.signal);
      if (abort.signal.aborted) return { outcome: 'cancelled' };
      return { outcome: suggestion ? 'answered' : 'empty' };
    } catch (error) {
      return failure(error, abort.signal);
    } finally {
      abort.clear();
    }
  }

  private distribution(op: Extract<SoakOp, { kind: 'distribution' }>): Promise<Settled> {
    const path = op.pathRanks.flatMap((rank) => this.lastTop[rank] ?? []);
    return this.withAbort(op.cancelAfterMs, async (signal) => {
      const result = await this.session.request(
        'distribution',
        { text: op.text, path, topK: 20, backUpToBoundary: op.backUpToBoundary },
        { signal },
      );
      this.lastTop = result.top.map(({ id }) => id);
    });
  }

  private async withAbort(cancelAfterMs: number | null, request: (signal: AbortSignal) => Promise<unknown>): Promise<Settled> {
    const abort = abortAfter(cancelAfterMs);
    try {
      await request(abort.signal);
      return { outcome: 'answered' };
    } catch (error) {
      return failure(error, abort.signal);
    } finally {
      abort.clear();
    }
  }

  /** The extension's defaults, but for the debounce: a few ms keeps its timer in play without idling the run. */
  private settings(): PipelineSettings {
    const state = this.session.state;
    return {
      maxTokens: this.options.maxTokens,
      budgets: { prefix: 1024, suffix: 256, extra: 512 },
      layout: state.kind === 'ready' ? state.info.fimLayout : 'spm',
      maxPromptMs: 3000,
      maxGenerationMs: 3000,
      alternatives: 3,
      debounce: 5,
      prefetch: true,
      trace: false,
    };
  }
}

export function soakLoadParams(modelPath: string): LoadParams {
  return { modelPath, gpu: 'cpu', gpuLayers: 0, threads: 0, contextSize: 4096, promptLookup: true, allowOversize: false };
}
