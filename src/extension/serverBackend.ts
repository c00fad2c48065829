// The llama-server backend's place in the extension: which engine the router uses, and the API key, which lives in
// VS Code's secret storage (never in settings.json) and is sent only as a bearer token to the configured server.
import * as vscode from 'vscode';
import type { BackendRouter } from '../client/BackendRouter';
import type { ModelSession } from '../client/ModelSession';
import { ServerEngine } from '../client/server/ServerEngine';
import { COMMANDS } from './commandIds';
import type { ServerSettings } from './config';
import { errorMessage } from '../core/text/errorMessage';

const API_KEY_SECRET = 'llamaLens.server.apiKey';

export class ServerBackend {
  /** The server and deadline the router's engine was made for; '' for the local engine. */
  private current = '';

  constructor(
    private readonly router: BackendRouter,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Points the router at the configured server, or at the local engine. No reload: the next request goes there. */
  apply(server: ServerSettings | undefined): void {
    const identity = server ? `${server.url.href} ${server.timeoutMs}` : '';
    if (identity === this.current) return;
    this.current = identity;
    this.router.use(server && new ServerEngine({
      url: server.url,
      timeoutMs: server.timeoutMs,
      apiKey: () => this.secrets.get(API_KEY_SECRET),
    }));
    this.log.info(server ? `Using the llama-server at ${server.url.origin}.` : 'Using the local engine.');
  }
}

/** Set and Clear Server API Key; a new key makes the session probe the server again with it. */
export function registerServerKeyCommands(
  secrets: vscode.SecretStorage,
  session: ModelSession,
  log: vscode.LogOutputChannel,
  usesServer: () => boolean,
): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.setServerApiKey, async () => {
      const key = await vscode.window.showInputBox({
        title: 'Llama Lens: llama-server API key',
        prompt: 'The key your llama-server was started with (--api-key). It is kept in VS Code\'s secret storage.',
        password: true,
        ignoreFocusOut: true,
      });
      if (key === undefined) return;
      if (key.trim() === '') await secrets.delete(API_KEY_SECRET);
      else await secrets.store(API_KEY_SECRET, key.trim());
    }),
    vscode.commands.registerCommand(COMMANDS.clearServerApiKey, () => secrets.delete(API_KEY_SECRET)),
    secrets.onDidChange((event) => {
      if (event.key !== API_KEY_SECRET) return;
      // Never the key itself: only that it changed.
      log.info('The llama-server API key changed.');
      if (usesServer()) session.restart().catch((error: unknown) => log.error(errorMessage(error)));
    }),
  ];
}
