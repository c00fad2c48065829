// A model's facts from `inspect`, worded for the picker and for the confirmation before loading.
import { formatBytes } from '../../core/text/formatBytes';
import type { ModelFacts } from '../../protocol/engineProtocol';

export function factsLine(facts: ModelFacts): string {
  const parameters =
    facts.parameterCount >= 1e9 ? `${(facts.parameterCount / 1e9).toFixed(1)}B` : `${Math.round(facts.parameterCount / 1e6)}M`;
  const chat = facts.chatWrapperSource === 'fallback' ? 'no chat template' : `chat: ${facts.chatWrapper}`;
  return [
    `${facts.architecture} ${parameters}`,
    facts.quantisation,
    `${facts.trainContextLength} ctx`,
    facts.hasFim ? 'FIM' : 'no FIM',
    chat,
    `needs ${formatBytes(facts.estimate.ramBytes)} RAM` +
      (facts.estimate.vramBytes > 0 ? ` + ${formatBytes(facts.estimate.vramBytes)} VRAM` : ''),
  ].join(' · ');
}
