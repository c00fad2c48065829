// What the Lens asks the engine at the cursor: the text before it (a stable window, so the KV
// state carries over between cursor moves), and whether the cursor is inside a word.
import * as vscode from 'vscode';
import { completionContext, prefixWindowStart } from '../../core/completionContext';
import type { DistributionParams, DistributionResult } from '../../protocol/engineProtocol';
import type { CursorInfo, LensDistribution } from '../../protocol/lensProtocol';

/** Characters of text before the cursor; the window's start moves in steps (see prefixWindowStart). */
const WINDOW_CHARS = 8000;
export const LENS_TOP_K = 20;

export interface CursorQuery {
  uri: vscode.Uri;
  position: vscode.Position;
  cursor: CursorInfo;
  params: DistributionParams;
}

export function cursorQuery(document: vscode.TextDocument, position: vscode.Position): CursorQuery {
  const offset = document.offsetAt(position);
  const start = prefixWindowStart(offset, WINDOW_CHARS);
  const window = document.getText(new vscode.Range(document.positionAt(start), position));
  // The same stable window as completions, cut at a line start, so the KV state carries over.
  const text = completionContext(window, offset, { maxPrefixChars: WINDOW_CHARS, maxSuffixChars: 0 }, start).prefix;
  return {
    uri: document.uri,
    position,
    cursor: { file: vscode.workspace.asRelativePath(document.uri), line: position.line, character: position.character },
    // Right after a word character, the typed part of the word is a fragment of the token being written.
    params: { text, path: [], topK: LENS_TOP_K, backUpToBoundary: /\w$/.test(text) },
  };
}

export function toLensDistribution(result: DistributionResult, path: number[]): LensDistribution {
  return {
    path,
    fragment: result.fragment,
    top: result.top,
    consistent: result.consistent,
    sortedProbabilities: result.sortedProbabilities,
    entropyBits: result.entropyBits,
    tailMass: result.tailMass,
    tailKnown: result.tailKnown,
  };
}
