// What a GGUF header says without loading the weights: its parsed metadata (checked to end inside the file), the
// quantisation and whether the vocabulary has fill-in-the-middle tokens.
import { GgmlType, GgufFileType, readGgufFileInfo, type GgufFileInfo, type GgufInsights } from 'node-llama-cpp';
import { errorMessage } from '../../core/text/errorMessage';
import { CodedError } from '../EngineError';
import { checkModelPath } from './checkModelFile';

/** `checkedSizeBytes`: the caller has run checkModelPath already (a load), so the header is not validated twice. */
export async function readModelHeader(
  modelPath: string,
  checkedSizeBytes?: number,
): Promise<{ sizeBytes: number; fileInfo: GgufFileInfo }> {
  const sizeBytes = checkedSizeBytes ?? (await checkModelPath(modelPath));
  let fileInfo: GgufFileInfo;
  try {
    fileInfo = await readGgufFileInfo(modelPath, { sourceType: 'filesystem', logWarnings: false });
  } catch (error) {
    throw unreadableHeader(modelPath, errorMessage(error));
  }
  // The reader reads past the end of a cut-short file as zeros instead of failing, so check where the header ended.
  if ((fileInfo.infoEndOffset ?? 0) > sizeBytes) throw unreadableHeader(modelPath, 'it ends past the end of the file');
  if (typeof (fileInfo.metadata.general as { architecture?: unknown } | undefined)?.architecture !== 'string') {
    throw unreadableHeader(modelPath, 'it names no architecture');
  }
  return { sizeBytes, fileInfo };
}

function unreadableHeader(modelPath: string, reason: string): CodedError {
  return new CodedError(
    'loadFailed',
    `${modelPath} starts like a GGUF file but its header cannot be read (${reason}); the file may be cut short or corrupt.`,
  );
}

/** "Q4_K_M", "F16", "F32": the file type without its MOSTLY_/ALL_ prefix, else the commonest tensor type. */
export function quantisationName(fileInfo: GgufFileInfo, insights: GgufInsights): string {
  const fileType = (fileInfo.metadata.general as { file_type?: unknown } | undefined)?.file_type;
  const name = typeof fileType === 'number' ? (GgufFileType as unknown as Record<number, string | undefined>)[fileType] : undefined;
  if (name !== undefined) return name.replace(/^(MOSTLY|ALL)_/, '');
  const dominant = insights.dominantTensorType;
  return dominant === undefined ? 'unknown' : GgmlType[dominant] ?? 'unknown';
}

type Ggml = Partial<Record<string, unknown>> & { tokens?: readonly string[] };

/**
 * The FIM tokens as llama.cpp finds them when it loads the vocabulary: the metadata ids (current keys and their
 * deprecated aliases), else a token spelled like a known FIM token. node-llama-cpp's `model.tokens.infill` reads
 * those ids and falls back to `<fim_prefix>`-style text, which the spellings cover.
 */
const FIM_TOKENS = [
  {
    keys: ['fim_pre_token_id', 'prefix_token_id'],
    texts: ['<|fim_prefix|>', '<fim-prefix>', '<fim_prefix>', '<｜fim▁begin｜>', '<PRE>', '▁<PRE>', '<|code_prefix|>', '<|prefix|>'],
  },
  {
    keys: ['fim_suf_token_id', 'suffix_token_id'],
    texts: ['<|fim_suffix|>', '<fim-suffix>', '<fim_suffix>', '<｜fim▁hole｜>', '<SUF>', '▁<SUF>', '<|code_suffix|>', '<|suffix|>'],
  },
  {
    keys: ['fim_mid_token_id', 'middle_token_id'],
    texts: ['<|fim_middle|>', '<fim-middle>', '<fim_middle>', '<｜fim▁end｜>', '<MID>', '▁<MID>', '<|code_middle|>', '<|middle|>'],
  },
] as const;

function tokenizerGgml(fileInfo: GgufFileInfo): Ggml {
  return ((fileInfo.metadata as { tokenizer?: { ggml?: Ggml } }).tokenizer?.ggml) ?? {};
}

export function headerHasFim(fileInfo: GgufFileInfo): boolean {
  const ggml = tokenizerGgml(fileInfo);
  const tokens = ggml.tokens ?? [];
  const isTokenId = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < tokens.length;
  return FIM_TOKENS.every(({ keys, texts }) => {
    if (keys.some((key) => isTokenId(ggml[key]))) return true;
    const spellings = new Set<string>(texts);
    return tokens.some((token) => spellings.has(token));
  });
}
