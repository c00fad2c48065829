// Generates a chat template's answer with node-llama-cpp's LlamaChat, for the palette prompts and the chat alike: the
// answer is decoded as the continuation of the rendered prompt, streamed, and refused when LlamaChat had to shorten
// the prompt (the caller fitted it with room for maxTokens, so that never happens silently).
import { LlamaChat, type ChatHistoryItem, type LlamaContextSequence, type Token } from 'node-llama-cpp';
import type { PromptStopReason } from '../../protocol/engineProtocol';
import { ContinuationDecoder, ContinuationStream } from './continuationText';
import { CodedError } from '../EngineError';
import type { LoadedModel } from '../LlamaRuntime';

export interface ChatAnswer {
  text: string;
  generatedTokens: number;
  stopReason: PromptStopReason;
}

export interface ChatAnswerRequest {
  sequence: LlamaContextSequence;
  items: ChatHistoryItem[];
  /** The rendered prompt: the sequence must still start with it once the answer is done. */
  prompt: readonly Token[];
  temperature: number;
  maxTokens: number;
  /** What to tell the user when the prompt was shortened after all. */
  shortened: string;
}

export async function answerChat(
  loaded: LoadedModel, request: ChatAnswerRequest, signal: AbortSignal, onText: (text: string) => void,
): Promise<ChatAnswer> {
  const { sequence, prompt } = request;
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: loaded.chat.wrapper, autoDisposeSequence: false });
  const answer = new ContinuationStream(new ContinuationDecoder(loaded.model, prompt));
  let generatedTokens = 0;
  try {
    const response = await chat.generateResponse(request.items, {
      signal,
      stopOnAbortSignal: true,
      temperature: request.temperature,
      maxTokens: request.maxTokens,
      // The prompt was fitted with room for maxTokens; LlamaChat compresses history only beyond that.
      contextShift: { size: request.maxTokens },
      onToken: (tokens) => {
        generatedTokens += tokens.length;
        const chunk = answer.push(tokens);
        if (chunk.length > 0) onText(chunk);
      },
    });
    if (sequence.contextTokens.slice(0, prompt.length).some((token, index) => token !== prompt[index])) {
      throw new CodedError('contextFull', request.shortened);
    }
    const why = response.metadata.stopReason;
    const stopReason: PromptStopReason = signal.aborted ? 'cancelled' : why === 'maxTokens' ? 'maxTokens' : 'endOfText';
    return { text: answer.text(), generatedTokens, stopReason };
  } finally {
    chat.dispose({ disposeSequence: false });
  }
}
