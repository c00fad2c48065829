// What ModelSession publishes about the model: the status bar and the Lens read it.
import type { ModelInfo } from '../protocol/engineProtocol';

export type EngineState =
  | { kind: 'noModel' }
  | { kind: 'idle'; modelPath: string }
  | { kind: 'loading'; modelPath: string; fraction: number }
  | { kind: 'ready'; info: ModelInfo }
  | { kind: 'error'; message: string };
