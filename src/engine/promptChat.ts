// Runs a command-palette prompt through the model's chat template. (Stub: being written.)
import type { PromptParams, PromptResult } from '../protocol/engineProtocol';
import { CodedError } from './EngineError';
import type { LlamaRuntime } from './LlamaRuntime';

export async function promptChat(_runtime: LlamaRuntime, _params: PromptParams, _signal: AbortSignal, _onText: (text: string) => void): Promise<PromptResult> {
  throw new CodedError('internal', 'Prompts are not available yet.');
}
