// Whether a completion step's chosen token lies outside the top tokens the trace lists. The trace lists the likeliest
// tokens at each step (with or without the chosen one among them); when every listed token is likelier than the
// chosen one and none is it, the chosen token was not in that top k: an alternative suggestion's first token, say.
import type { TraceStep } from '../../protocol/lensProtocol';

export function chosenOutsideListed(step: TraceStep): boolean {
  const { chosen, alternatives } = step;
  return alternatives.length > 0 && alternatives.every((token) => token.id !== chosen.id && token.probability > chosen.probability);
}
