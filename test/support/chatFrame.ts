// Reaching into the chat webview from Playwright. The chat and the Lens are both webviews in the Llama Lens
// container, so the chat's page is found by what it holds, not by its place.
import type { Frame, Locator, Page } from 'playwright-core';
import { runCommand, waitFor } from './workbench';

/** The frame whose page is the chat (VS Code nests a webview's page in an inner frame of its own iframe). */
export async function chatFrame(page: Page, timeoutMs = 60_000): Promise<Frame> {
  return waitFor(async () => {
    for (const frame of page.frames()) {
      if (await frame.locator('[data-testid="chat-input"]').count().catch(() => 0)) return frame;
    }
    return undefined;
  }, { timeoutMs, message: 'the chat view to render its page', until: (frame) => frame !== undefined }) as Promise<Frame>;
}

/**
 * Runs "Open Chat" and returns the chat's page once it shows. The Lens shares the container: it is collapsed first,
 * as a user would, so the chat has the height for a conversation.
 */
export async function openChat(page: Page): Promise<Frame> {
  await runCommand(page, 'Llama Lens: Open Chat');
  const lensHeader = page.locator('.pane-header', { has: page.locator('.title', { hasText: /^Lens$/ }) });
  if ((await lensHeader.getAttribute('aria-expanded', { timeout: 30_000 })) === 'true') await lensHeader.click();
  return chatFrame(page);
}

export function chatTurns(frame: Frame): Locator {
  return frame.locator('[data-testid="chat-turn"]');
}

/** Types a message into the chat's box and sends it with Enter. */
export async function sendChatMessage(frame: Frame, text: string): Promise<void> {
  const input = frame.locator('[data-testid="chat-input"]');
  await input.fill(text);
  await input.press('Enter');
}

/**
 * Each turn's state and its answer's text, whitespace collapsed (Markdown joins a paragraph's lines); '' while no
 * text has come (the "Thinking…" placeholder is not the answer).
 */
export async function readTurns(frame: Frame): Promise<{ state: string; answer: string }[]> {
  return chatTurns(frame).evaluateAll((turns) => turns.map((turn) => ({
    state: turn.getAttribute('data-state') ?? '',
    answer: (turn.querySelector('[data-testid="chat-answer"] > .markdown')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
  })));
}

export const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();
