// What the status bar says in each engine state. Pure, so the wording is unit-tested.
// No `vscode` here, so it runs in unit tests.
import type { EngineState } from '../client/engineState';
import { formatBytes } from '../core/text/formatBytes';
import type { ModelInfo } from '../protocol/engineProtocol';

export interface StatusText {
  text: string;
  tooltip: string;
}

export function statusText(state: EngineState): StatusText {
  switch (state.kind) {
    case 'noModel':
      return { text: '$(circle-slash) Llama Lens: no model', tooltip: 'No model configured. Click to select a GGUF model file.' };
    case 'idle': {
      const server = serverHost(state.modelPath);
      const tooltip = server
        ? `The llama-server at ${server} is asked for its model on first use.`
        : `Model ${baseName(state.modelPath)} loads on first use.`;
      return { text: '$(circle-outline) Llama Lens', tooltip };
    }
    case 'loading': {
      const server = serverHost(state.modelPath);
      return server
        ? { text: `$(sync~spin) Llama Lens: connecting to ${server}`, tooltip: `Asking the llama-server at ${server} for its model…` }
        : {
          text: `$(sync~spin) Llama Lens: loading ${Math.round(clamp01(state.fraction) * 100)}%`,
          tooltip: `Loading ${baseName(state.modelPath)}…`,
        };
    }
    case 'ready': {
      const { info } = state;
      // On a server, the bar names the server: the code goes there.
      const where = info.server === null ? info.backend : serverHost(info.server) ?? info.server;
      const tooltip = info.server === null ? readyTooltip(info) : serverTooltip(info);
      return { text: `$(check) Llama Lens: ${shortName(info.name)} (${where})`, tooltip };
    }
    case 'error':
      return { text: '$(error) Llama Lens: error', tooltip: state.message };
    default:
      return assertNever(state);
  }
}

function readyTooltip(info: ModelInfo): string {
  return [
    info.name,
    `File: ${info.filePath}`,
    `Architecture: ${info.architecture}, ${formatBytes(info.sizeBytes)}`,
    `Context: ${info.contextSize} of ${info.trainContextLength} tokens`,
    `Fill-in-the-middle: ${info.hasFim ? 'yes' : 'no (prefix-only completion)'}`,
    `Prompts: ${info.chatWrapper} chat format (${CHAT_SOURCE[info.chatWrapperSource]})`,
    `Backend: ${info.backend}, GPU layers: ${info.gpuLayers}, threads: ${info.threads}`,
  ].join('\n');
}

function serverTooltip(info: ModelInfo): string {
  return [
    info.name,
    `Server: ${info.server ?? ''} (llama-server)`,
    `File on the server: ${info.filePath}, ${formatBytes(info.sizeBytes)}`,
    `Context: ${info.contextSize} of ${info.trainContextLength} tokens per slot`,
    `Fill-in-the-middle: ${info.hasFim ? 'yes' : 'no (prefix-only completion)'}`,
    `Prompts: ${info.hasChatTemplate ? "the server's chat template" : "the server's default chat format (the model has no template)"}`,
  ].join('\n');
}

/** The host of a server URL (the session's "model path" on a server); undefined for a file path. */
function serverHost(path: string): string | undefined {
  if (!/^https?:\/\//i.test(path)) return undefined;
  try {
    return new URL(path).host;
  } catch {
    return undefined;
  }
}

const CHAT_SOURCE: Record<ModelInfo['chatWrapperSource'], string> = {
  template: "from the model's chat template",
  fileName: 'guessed from the file name; the model has no chat template',
  fallback: 'general fallback; the model has no chat template',
};

function shortName(name: string): string {
  return name.length > 32 ? `${name.slice(0, 31)}…` : name;
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, x));
}

function assertNever(value: never): never {
  throw new Error(`Unhandled state: ${JSON.stringify(value)}`);
}
