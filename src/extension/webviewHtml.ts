// A webview's HTML (the Lens, the chat): a strict CSP with a per-load nonce, and only our own bundled script and stylesheet.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

type WebviewName = 'lens' | 'chat';

/** Lets `view` run its own bundle and nothing else, and loads its page. */
export function loadWebview(view: vscode.WebviewView, extensionUri: vscode.Uri, name: WebviewName, title: string): void {
  view.webview.options = {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
  view.webview.html = webviewHtml(view.webview, extensionUri, name, title);
}

/** `name`: the bundle dist/webview/NAME.js and the stylesheet media/NAME.css, after media/webview.css, which both share. */
function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, name: 'lens' | 'chat', title: string): string {
  const nonce = randomBytes(18).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${name}.js`));
  const shared = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', `${name}.css`));
  // Nothing remote, nothing inline but the one nonce'd script tag: model output can never become markup or code.
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${shared.toString()}">
<link rel="stylesheet" href="${style.toString()}">
<title>${title}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
