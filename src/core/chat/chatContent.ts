// The text of a chat message as the model sees it: what the user wrote, then each attachment in a fence, named.
// Pure, so the exact text is unit-tested.
import type { ChatAttachment } from '../../protocol/chatProtocol';
import { fenceFor } from '../prompts/userMessage';

export function chatMessageContent(message: string, attachments: readonly ChatAttachment[]): string {
  const parts = [message.trim(), ...attachments.map(attachmentBlock)];
  return parts.filter((part) => part.length > 0).join('\n\n');
}

function attachmentBlock(attachment: ChatAttachment): string {
  const fence = fenceFor(attachment.text);
  const code = attachment.text.endsWith('\n') || attachment.text.length === 0 ? attachment.text : `${attachment.text}\n`;
  return `${attachment.name}:\n${fence}${attachment.language}\n${code}${fence}`;
}
