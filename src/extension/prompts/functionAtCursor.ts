// The function the cursor is in, from the language's document symbols (innermost function,
// method or constructor). Without a symbol provider there is no reliable answer, so none is made up.
import * as vscode from 'vscode';

const FUNCTION_KINDS = new Set([vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Constructor]);

export async function functionAtCursor(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Range | undefined> {
  const symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>(
    'vscode.executeDocumentSymbolProvider', document.uri,
  );
  let found: vscode.Range | undefined;
  const visit = (list: readonly vscode.DocumentSymbol[]) => {
    for (const symbol of list) {
      if (!symbol.range.contains(position)) continue;
      if (FUNCTION_KINDS.has(symbol.kind)) found = symbol.range;
      visit(symbol.children);
    }
  };
  visit((symbols ?? []).filter((symbol): symbol is vscode.DocumentSymbol => 'children' in symbol));
  return found;
}
