// Activation only wires services together. No model is loaded here: the session loads the
// configured model when it is first needed, or once an editor holds code to complete (warmWhenEditing).
import * as vscode from 'vscode';
import { EngineClient } from '../client/EngineClient';
import { ModelSession } from '../client/ModelSession';
import { CompletionGate } from '../core/completion/CompletionGate';
import { CompletionPipeline, type PipelineSettings } from '../core/completion/CompletionPipeline';
import type { CompletionStatsSnapshot } from '../core/completion/CompletionStats';
import { realClock } from '../core/completion/realClock';
import type { EngineState } from '../client/engineState';
import { COMMANDS } from './commandIds';
import { registerCommands } from './commands';
import { registerCompletionCommands } from './completionCommands';
import { affectsEngine, affectsHeatmapMode, affectsLlamaLens, readConfig, type ConfigSnapshot } from './config';
import { ExtraContextTracker } from './extraContext';
import { InlineCompletionProvider } from './inlineCompletions';
import { registerLens } from './lens/registerLens';
import { EngineRequestError } from '../client/Engine';
import { BackendRouter } from '../client/BackendRouter';
import { registerServerKeyCommands, ServerBackend } from './serverBackend';
import { OversizeApprovals } from './models/oversizeApprovals';
import { selectModel } from './models/selectModel';
import { registerPrompts } from './prompts/registerPrompts';
import { EditProposals } from './prompts/editProposal';
import { registerChat } from './chat/registerChat';
import { registerLanguageModel } from './lm/languageModelProvider';
import { createStatusBar } from './statusBar';
import { welcomeOnce } from './firstRun';
import { COMPLETION_DOCUMENTS, warmWhenEditing } from './warmWhenEditing';
import { EXTRA_BINARIES_ENV } from '../protocol/binariesProtocol';
import { watchCudaSetting } from './cuda/offerCudaBinaries';
import { watchWorkspaceSettings } from './workspaceSettings';
import { errorMessage } from '../core/text/errorMessage';

/** What the extension exports: read by the integration tests, and by anyone scripting the extension. */
export interface LlamaLensApi {
  state(): EngineState;
  settings(): ConfigSnapshot;
  completionStats(): CompletionStatsSnapshot;
  /** Whether automatic completions are on, and when a snooze ends (ms since the epoch). */
  completionStatus(): { enabled: boolean; snoozeEnd: number | undefined };
  /** The extra context a completion in `document` would carry: chunks of other recently visited files. */
  extraContext(document: vscode.TextDocument): string;
}

export function activate(context: vscode.ExtensionContext): LlamaLensApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Llama Lens', { log: true });
  context.subscriptions.push(log);
  try {
    const api = wire(context, log);
    // Activation cost is part of what we promise (npm run bench:activation): the log says what it was.
    log.info(`Activated in ${(performance.now() - started).toFixed(1)} ms.`);
    return api;
  } catch (error) {
    // Never swallowed: the user sees why Llama Lens is not working, and the log has the stack.
    const message = errorMessage(error);
    log.error(`Activation failed: ${error instanceof Error ? error.stack ?? message : message}`);
    void vscode.window.showErrorMessage(`Llama Lens could not start: ${message}`, 'Show Log').then((choice) => {
      if (choice) log.show();
    });
    throw error;
  }
}

function wire(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LlamaLensApi {
  // Downloaded CUDA binaries live here (the VSIX cannot carry them); the engine resolves them from it.
  const binariesFolder = vscode.Uri.joinPath(context.globalStorageUri, 'binaries').fsPath;
  // The engine in a child process; everything below depends only on the Engine interface.
  const local = new EngineClient({
    enginePath: context.asAbsolutePath('dist/engine.mjs'),
    log: (level, message) => log[level](message),
    env: { [EXTRA_BINARIES_ENV]: binariesFolder },
  });
  // The local engine or a llama-server, switched with the settings.
  const engine = new BackendRouter(local);
  const backend = new ServerBackend(engine, context.secrets, log);
  const session = new ModelSession(engine);
  const approvals = new OversizeApprovals();
  const reconfigure = () => {
    config = applyConfig(readConfig(), session, backend, log, approvals);
  };
  let config = applyConfig(readConfig(), session, backend, log, approvals);
  const warm = () => warmUp(session, log, approvals, () => {
    reconfigure();
    warm();
  });
  const storage = context.storageUri ?? context.globalStorageUri;
  const lens = registerLens(context.extensionUri, session, log, config.heatmapMode, storage);
  const proposals = new EditProposals();
  const pipeline = new CompletionPipeline(
    (params, signal) => session.request('complete', params, { signal }),
    realClock,
    () => pipelineSettings(config, session.state, lens.visible()),
    () => (session.state.kind === 'ready' ? `${session.state.info.filePath}:${session.state.info.sizeBytes}` : 'none'),
  );
  const gate = new CompletionGate();
  const completionView = () => ({
    enabled: config.completions.enabled,
    snoozeEnd: gate.snoozeEnd(Date.now()),
    stats: pipeline.stats.snapshot(),
  });
  const statusBar = createStatusBar(session.state, completionView());
  const refreshCompletions = () => statusBar.updateCompletions(completionView());
  const extraContext = new ExtraContextTracker();
  const checkCuda = watchCudaSetting({ session, log, extensionPath: context.extensionPath, binariesFolder, settings: () => config });
  const provider = new InlineCompletionProvider(pipeline, session, gate, extraContext, () => config.completions, log, (result) => {
    refreshCompletions();
    if (result) lens.showTrace(result);
  });

  context.subscriptions.push(
    statusBar,
    extraContext,
    engine,
    session,
    { dispose: () => pipeline.reset() },
    session.onDidChangeState((state) => {
      // Suggestions of another model, or of one that crashed mid-answer, are not to be replayed.
      if (state.kind !== 'ready') pipeline.reset();
      statusBar.update(state);
    }),
    vscode.languages.registerInlineCompletionItemProvider(COMPLETION_DOCUMENTS, provider),
    ...registerCommands(session, log),
    ...registerServerKeyCommands(context.secrets, session, log, () => config.server !== undefined),
    ...registerCompletionCommands(gate, () => config.completions.enabled, refreshCompletions),
    ...lens.disposables,
    ...registerPrompts({ session, log, settings: () => config.prompts, proposals }),
    ...registerChat({ extensionUri: context.extensionUri, session, log, settings: () => config.prompts, proposals, storage }),
    ...registerLanguageModel(session, () => config.prompts, log),
    vscode.commands.registerCommand(COMMANDS.selectModel, () =>
      selectModel({
        session,
        log,
        approvals,
        modelsFolder: () => config.modelsFolder || vscode.Uri.joinPath(context.globalStorageUri, 'models').fsPath,
        loadSettings: () => ({
          gpu: config.load?.gpu ?? 'auto',
          gpuLayers: config.load?.gpuLayers ?? 'auto',
          contextSize: config.load?.contextSize ?? 4096,
        }),
      }),
    ),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!affectsLlamaLens(event)) return;
      reconfigure();
      // Only a change of this setting itself: the Lens's own switch is not undone when another setting changes.
      if (affectsHeatmapMode(event)) lens.setHeatmapMode(config.heatmapMode);
      pipeline.reset();
      refreshCompletions();
      checkCuda();
      if (affectsEngine(event)) warm();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      reconfigure();
      warm();
    }),
    warmWhenEditing(warm),
    ...watchWorkspaceSettings(log),
  );
  void welcomeOnce(context.globalState, config.load !== undefined, log);
  return {
    state: () => session.state,
    settings: () => config,
    completionStats: () => pipeline.stats.snapshot(),
    completionStatus: () => ({ enabled: config.completions.enabled, snoozeEnd: gate.snoozeEnd(Date.now()) }),
    extraContext: (document) => extraContext.extraFor(document),
  };
}

/** The completion settings, with the FIM order resolved against the loaded model. */
function pipelineSettings(config: ConfigSnapshot, state: EngineState, trace: boolean): PipelineSettings {
  const { completions } = config;
  const modelLayout = state.kind === 'ready' ? state.info.fimLayout : 'spm';
  return { ...completions, layout: completions.fimLayout === 'auto' ? modelLayout : completions.fimLayout, trace };
}

export function deactivate(): void {
  // Disposables pushed in activate() stop the engine process.
}

/** Problems of the previous reading: a change to another setting must not repeat their warnings. */
let previousProblems = new Set<string>();

function applyConfig(
  snapshot: ConfigSnapshot,
  session: ModelSession,
  backend: ServerBackend,
  log: vscode.LogOutputChannel,
  approvals: OversizeApprovals,
): ConfigSnapshot {
  for (const problem of snapshot.problems) {
    if (previousProblems.has(problem)) continue;
    log.warn(problem);
    void vscode.window.showWarningMessage(`Llama Lens: ${problem}`);
  }
  previousProblems = new Set(snapshot.problems);
  backend.apply(snapshot.server);
  session.configure(snapshot.load && { ...snapshot.load, allowOversize: approvals.allows(snapshot.load.modelPath) });
  return snapshot;
}

/**
 * Loads the configured model in the background, so the first completion does not wait for it. A
 * model refused as too large for this machine is loaded only if the user says so (`retry`).
 */
function warmUp(session: ModelSession, log: vscode.LogOutputChannel, approvals: OversizeApprovals, retry: () => void): void {
  if (session.state.kind === 'noModel') return;
  session.ensureLoaded().catch(async (error: unknown) => {
    log.error(errorMessage(error));
    if (!(error instanceof EngineRequestError) || error.code !== 'tooLarge' || session.state.kind === 'noModel') return;
    const path = readConfig().load?.modelPath;
    if (path && !approvals.allows(path) && (await approvals.ask(path, error.message))) retry();
  });
}
