// Hovering a coloured token: its probability (from the heatmap pass), its rank and the entropy where it stands (from
// a full pass, or computed now for this one position), and the likeliest tokens there (always computed now: no pass
// keeps them). The Markdown shows token texts only inside code spans, and is neither trusted nor allowed HTML.
import * as vscode from 'vscode';
import type { ModelSession } from '../../client/ModelSession';
import { hoverMarkdown, type HoverAlternative, type HoverToken } from '../../core/lens/hoverMarkdown';
import { hoverContextStart, tokensAt } from '../../core/lens/tokenAt';
import type { TokenSurprisal } from '../../protocol/engineProtocol';
import { errorMessage } from '../../core/text/errorMessage';

const ALTERNATIVES = 5;

export class HeatmapHover implements vscode.HoverProvider {
  constructor(
    private readonly session: ModelSession,
    private readonly log: vscode.LogOutputChannel,
    private readonly scoresOf: (document: vscode.TextDocument) => TokenSurprisal[] | undefined,
  ) {}

  async provideHover(
    document: vscode.TextDocument,
    position: vscode.Position,
    cancel: vscode.CancellationToken,
  ): Promise<vscode.Hover | undefined> {
    const tokens = this.scoresOf(document);
    if (!tokens) return undefined;
    const indices = tokensAt(tokens, document.offsetAt(position));
    const first = tokens[indices[0] ?? -1];
    if (!first) return undefined;
    const abort = new AbortController();
    cancel.onCancellationRequested(() => abort.abort());
    const text = document.getText();
    const run = indices.map((index) => tokens[index] as TokenSurprisal);
    const [alternatives, scored] = [
      await this.alternatives(text, tokens, indices[0] ?? 0, abort.signal),
      await this.withRanks(text, run, abort.signal),
    ];
    if (cancel.isCancellationRequested) return undefined;
    const shown = text.slice(first.start, first.end);
    const facts = {
      tokens: scored.map((token): HoverToken => ({ text: shown, bits: token.bits, rank: token.rank, entropyBits: token.entropyBits })),
      alternatives: alternatives?.map((alternative): HoverAlternative => ({ ...alternative, actual: alternative.id === first.id })) ?? null,
    };
    const markdown = new vscode.MarkdownString(hoverMarkdown(facts));
    markdown.isTrusted = false;
    markdown.supportHtml = false;
    markdown.supportThemeIcons = false;
    return new vscode.Hover(markdown, new vscode.Range(document.positionAt(first.start), document.positionAt(first.end)));
  }

  /** The likeliest tokens where `tokens[index]` stands, after the same text the heatmap pass gave the model. */
  private async alternatives(text: string, tokens: readonly TokenSurprisal[], index: number, signal: AbortSignal) {
    const contextSize = this.session.state.kind === 'ready' ? this.session.state.info.contextSize : Number.POSITIVE_INFINITY;
    const token = tokens[index];
    if (!token) return undefined;
    const before = text.slice(hoverContextStart(tokens, index, contextSize), token.start);
    try {
      const result = await this.session.request(
        'distribution',
        { text: before, path: [], topK: ALTERNATIVES, backUpToBoundary: false },
        { signal },
      );
      return result.top;
    } catch (error) {
      if (!signal.aborted) this.log.warn(`Heatmap hover: no alternatives: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /** The run's tokens with rank and entropy: as the pass gave them, or from a full pass over just this position. */
  private async withRanks(text: string, run: readonly TokenSurprisal[], signal: AbortSignal): Promise<TokenSurprisal[]> {
    const first = run[0];
    if (!first || run.every((token) => token.rank !== null && token.entropyBits !== null)) return [...run];
    try {
      // Scored from the token's start on a text that ends with it: the engine scores exactly this run, in the same
      // context window as the heatmap's pass, and reuses the KV state of everything before it.
      const result = await this.session.request(
        'surprisal',
        { text: text.slice(0, first.end), scoreFrom: first.start, detail: 'full' },
        { signal },
      );
      return run.map((token, index) => {
        const fresh = result.tokens[index];
        return fresh && fresh.id === token.id && fresh.start === token.start
          ? { ...token, rank: fresh.rank, entropyBits: fresh.entropyBits }
          : token;
      });
    } catch (error) {
      if (!signal.aborted) this.log.warn(`Heatmap hover: no rank: ${errorMessage(error)}`);
      return [...run];
    }
  }
}
