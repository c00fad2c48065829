// Downloads a model file through node-llama-cpp's downloader. (Stub: being written.)
import type { DownloadParams, DownloadProgress, DownloadResult } from '../protocol/engineProtocol';
import { CodedError } from './EngineError';

export async function downloadModel(_params: DownloadParams, _signal: AbortSignal, _onProgress: (progress: DownloadProgress) => void): Promise<DownloadResult> {
  throw new CodedError('downloadFailed', 'Downloads are not available yet.');
}
