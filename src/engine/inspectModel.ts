// Reads a model's facts from its GGUF header without loading it. (Stub: being written.)
import type { GpuSetting, InspectParams, MachineInfo, ModelFacts } from '../protocol/engineProtocol';
import { CodedError } from './EngineError';
import type { LlamaRuntime } from './LlamaRuntime';

export async function inspectModel(_runtime: LlamaRuntime, params: InspectParams): Promise<ModelFacts> {
  throw new CodedError('loadFailed', `Cannot inspect ${params.modelPath} yet.`);
}

export async function machineInfo(_runtime: LlamaRuntime, _gpu: GpuSetting): Promise<MachineInfo> {
  throw new CodedError('internal', 'Machine info is not available yet.');
}
