// A model split into several GGUF files (llama.cpp's gguf-split): part 1 holds the metadata and some tensors, the
// other parts hold the rest of the tensors. llama.cpp opens the parts by name from part 1's `split.count`, so each
// part must be checked before it does, and the model's shape facts judged against the tensors of all parts.
import { modelShapeProblem, type ModelHeaderFacts } from './modelShapeChecks';

/** What a part's header says of the split: `no` counts from 0, as in the file. */
export interface SplitHeader {
  no: number;
  count: number;
  /** The part's facts; its shape is judged only with every part's tensors (see splitModelProblem). */
  facts: ModelHeaderFacts;
}

/**
 * The file names of all `count` parts, from part 1's name, as llama.cpp derives them (llama_split_prefix): the name
 * must end in exactly `-00001-of-<count>.gguf`. Undefined when it does not.
 */
export function splitPartNames(firstName: string, count: number): string[] | undefined {
  const pad = (n: number) => String(n).padStart(5, '0');
  const ending = `-${pad(1)}-of-${pad(count)}.gguf`;
  if (!firstName.endsWith(ending) || firstName.length === ending.length) return undefined;
  const prefix = firstName.slice(0, -ending.length);
  return Array.from({ length: count }, (_, i) => `${prefix}-${pad(i + 1)}-of-${pad(count)}.gguf`);
}

/**
 * The first problem with a split model's parts taken together: a part that does not say it is that part of this
 * many, or shape facts (part 1's) that contradict the tensors of all parts. Each part's own header has been checked.
 */
export function splitModelProblem(parts: readonly { name: string; split: SplitHeader | undefined }[]): string | undefined {
  for (const [index, { name, split }] of parts.entries()) {
    if (split?.no !== index || split.count !== parts.length) {
      const says = split ? `says it is part ${split.no + 1} of ${split.count}` : 'does not say it is part of a split model';
      return `part ${index + 1} of ${parts.length}, ${name}, ${says}. Get all the parts of the model again, from the same download.`;
    }
  }
  const first = parts[0]?.split;
  if (!first) return undefined;
  return modelShapeProblem({ ...first.facts, tensors: parts.flatMap(({ split }) => split?.facts.tensors ?? []) });
}
