// What a llama-server serves, asked once per load: the model's name, size and context from /v1/models, its file and
// chat template from /props, and its BOS and FIM tokens from its vocabulary. This is the server's "load".
import type { ModelInfo } from '../../protocol/engineProtocol';
import { hasFields, isArrayOf, isFiniteNumber, isNonNegativeInteger, isRecord, isString } from '../../protocol/guards';
import type { ServedModel } from './serverCompletion';
import { callJson, ServerRequestError, type CallOptions, type ServerEndpoint } from './serverHttp';
import type { ServerVocabulary } from './serverVocabulary';

interface ModelEntry {
  id: string;
  meta: { n_ctx: number; n_ctx_train: number; size: number };
}

const isModelEntry = hasFields<ModelEntry>({
  id: isString,
  meta: hasFields<ModelEntry['meta']>({ n_ctx: isNonNegativeInteger, n_ctx_train: isNonNegativeInteger, size: isFiniteNumber }),
});
const isModelList = hasFields<{ data: ModelEntry[] }>({ data: isArrayOf(isModelEntry) });
/** /props: only what the status bar shows; a server that hides its file path still works. */
const isProps = (v: unknown): v is { model_path?: unknown; chat_template?: unknown } => isRecord(v);

export interface ServerProbe {
  info: ModelInfo;
  model: ServedModel;
}

export async function probeServedModel(endpoint: ServerEndpoint, vocabulary: ServerVocabulary, options: CallOptions): Promise<ServerProbe> {
  const [list, props, bos, fim] = await Promise.all([
    callJson(endpoint, 'GET', '/v1/models', undefined, isModelList, options),
    callJson(endpoint, 'GET', '/props', undefined, isProps, options),
    vocabulary.bos(),
    vocabulary.fimTokens(),
  ]);
  // A router-mode server lists several models and needs one named in each request: not what this backend speaks.
  const [entry, ...others] = list.data;
  if (!entry || others.length > 0) {
    throw new ServerRequestError('badResponse', `the server lists ${list.data.length} models; Llama Lens needs a server with one`);
  }
  const modelPath = typeof props.model_path === 'string' && props.model_path.length > 0 ? props.model_path : entry.id;
  const hasChatTemplate = typeof props.chat_template === 'string' && props.chat_template.length > 0;
  const info: ModelInfo = {
    // Without --alias the server names the model by the path it was given: the file name is what the user knows.
    name: entry.id.split(/[\\/]/).pop() || entry.id,
    filePath: modelPath,
    architecture: 'unknown',
    sizeBytes: entry.meta.size,
    trainContextLength: entry.meta.n_ctx_train,
    contextSize: entry.meta.n_ctx,
    hasFim: fim !== null,
    fimLayout: fim?.codeLlamaStyle ? 'spm' : 'psm',
    hasChatTemplate,
    chatWrapper: 'the server\'s chat template',
    chatWrapperSource: hasChatTemplate ? 'template' : 'fallback',
    backend: 'server',
    gpuLayers: 0,
    threads: 0,
    server: `${endpoint.url.origin}${endpoint.url.pathname.replace(/\/+$/, '')}`,
  };
  return { info, model: { contextSize: entry.meta.n_ctx, bos, fim: fim?.tokens ?? null, name: entry.id } };
}
