// An error with a code that survives the trip over IPC.
import type { EngineError, EngineErrorCode } from '../protocol/engineProtocol';
import { errorMessage } from '../core/text/errorMessage';

export class CodedError extends Error {
  constructor(readonly code: EngineErrorCode, message: string) {
    super(message);
  }
}

export function toEngineError(error: unknown, aborted: boolean): EngineError {
  if (aborted) return { code: 'cancelled', message: 'Request cancelled.' };
  if (error instanceof CodedError) return { code: error.code, message: error.message };
  return { code: 'internal', message: errorMessage(error) };
}
