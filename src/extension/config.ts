// The one reader of Llama Lens settings. It validates every value, says what it ignored and why,
// and knows which settings need the engine to reload the model.
import { availableParallelism, homedir } from 'node:os';
import * as vscode from 'vscode';
import { cudaRegistry } from '../core/gpu/cudaRegistry';
import { threadSetting } from '../core/settings/threadCount';
import { trustedModelPath } from '../core/trustedModelPath';
import { parseServerUrl } from '../core/net/serverUrl';
import type { DebounceSetting } from '../core/completion/AdaptiveDebounce';
import { isBoolean, isFiniteNumber, isNonNegativeInteger, isRecord, isString } from '../protocol/guards';
import {
  FIM_LAYOUTS,
  GPU_SETTINGS,
  isGpuSetting,
  type FimLayout,
  type GpuSetting,
  type LoadParams,
  type TokenBudgets,
} from '../protocol/engineProtocol';
import { HEATMAP_MODES, isHeatmapMode, type HeatmapMode } from '../protocol/lensProtocol';

const SECTION = 'llamaLens';
/** Settings that change what the engine loads. */
const ENGINE_SETTINGS = [
  'modelPath', 'gpu', 'gpuLayers', 'threads', 'contextSize', 'completions.promptLookup', 'backend', 'server.url', 'server.timeoutMs',
].map((key) => `${SECTION}.${key}`);

export interface CompletionSettings {
  enabled: boolean;
  /** languageId -> enabled, "*" for the rest. */
  languages: Record<string, boolean>;
  maxTokens: number;
  maxLines: number;
  budgets: TokenBudgets;
  /** 'auto' follows the model (suffix-first for CodeLlama-style FIM tokens). */
  fimLayout: 'auto' | FimLayout;
  maxPromptMs: number;
  maxGenerationMs: number;
  alternatives: number;
  debounce: DebounceSetting;
  prefetch: boolean;
}

const DEFAULT_LANGUAGES = { '*': true, plaintext: false, markdown: false, scminput: false };

export interface PromptSettings {
  systemPrompt: string;
  temperature: number;
  maxTokens: number;
}

/** The llama-server the model runs on, when llamaLens.backend is "server". */
export interface ServerSettings {
  url: URL;
  /** Deadline of a probe or a Lens request, and the longest silence of a prompt's stream. */
  timeoutMs: number;
}

export interface ConfigSnapshot {
  /**
   * Undefined when no model is configured (or only an untrusted workspace configured one). On a server, its
   * `modelPath` is the server's URL: a change of server is a change of model.
   */
  load: LoadParams | undefined;
  /** Undefined for the local engine. */
  server: ServerSettings | undefined;
  /** Where Select Model lists and downloads models; '' for the extension's global storage. */
  modelsFolder: string;
  /** The npm registry (or mirror) the CUDA binaries are downloaded from. */
  cudaRegistry: string;
  completions: CompletionSettings;
  prompts: PromptSettings;
  /** The mode a heatmap is coloured in until the Lens switches it. */
  heatmapMode: HeatmapMode;
  /** Human-readable problems with the settings, for the log and a warning. */
  problems: string[];
}

export function readConfig(): ConfigSnapshot {
  const config = vscode.workspace.getConfiguration(SECTION);
  const problems: string[] = [];
  const modelPath = modelPathSetting(config, problems);
  const gpu = pick<GpuSetting>(config, 'gpu', 'auto', isGpuSetting, `one of ${GPU_SETTINGS.join(', ')}`, problems);
  const gpuLayers = pick<'auto' | number>(
    config,
    'gpuLayers',
    'auto',
    (v): v is 'auto' | number => v === 'auto' || isNonNegativeInteger(v),
    '"auto" or a whole number ≥ 0',
    problems,
  );
  const threadChoice = threadSetting(
    pick(config, 'threads', 0, isNonNegativeInteger, 'a whole number ≥ 0 (0 = auto)', problems),
    availableParallelism(),
  );
  if (threadChoice.problem) problems.push(threadChoice.problem);
  const { threads } = threadChoice;
  const contextSize = pick(config, 'contextSize', 4096, isNonNegativeInteger, 'a whole number ≥ 0 (0 = the model\'s own)', problems);
  const completions = completionSettings(config, problems);
  const promptLookup = pick(config, 'completions.promptLookup', true, isBoolean, 'true or false', problems);
  const server = serverSettings(config, problems);
  const loadFrom = (path: string): LoadParams =>
    ({ modelPath: path, gpu, gpuLayers, threads, contextSize, promptLookup, allowOversize: false });
  const load = server ? loadFrom(server.url.href) : modelPath && !usesServer(config) ? loadFrom(modelPath) : undefined;
  const prompts: PromptSettings = {
    systemPrompt: pick(config, 'prompts.systemPrompt', DEFAULT_SYSTEM_PROMPT, isString, 'a string', problems),
    temperature: pick(
      config,
      'prompts.temperature',
      0.2,
      (v): v is number => isFiniteNumber(v) && v >= 0 && v <= 2,
      'a number from 0 to 2',
      problems,
    ),
    maxTokens: pick(
      config,
      'prompts.maxTokens',
      512,
      (v): v is number => isNonNegativeInteger(v) && v >= 1 && v <= 32768,
      'a whole number from 1 to 32768',
      problems,
    ),
  };
  const registry = cudaRegistry(config.inspect('cuda.registry'));
  if (registry.problem) problems.push(registry.problem);
  const heatmapMode = pick(config, 'heatmap.mode', 'surprisal', isHeatmapMode, `one of ${HEATMAP_MODES.join(', ')}`, problems);
  const modelsFolder = modelsFolderSetting(config);
  return { load, server, modelsFolder, cudaRegistry: registry.registry, completions, prompts, heatmapMode, problems };
}

const DEFAULT_SYSTEM_PROMPT = 'You are a careful programming assistant. Answer precisely and briefly. Put code in fenced code blocks.';

function completionSettings(config: vscode.WorkspaceConfiguration, problems: string[]): CompletionSettings {
  const count = (key: string, fallback: number, min: number, max: number) =>
    pick(
      config,
      `completions.${key}`,
      fallback,
      (v): v is number => isNonNegativeInteger(v) && v >= min && v <= max,
      `a whole number from ${min} to ${max}`,
      problems,
    );
  return {
    enabled: pick(config, 'completions.enabled', true, isBoolean, 'true or false', problems),
    languages: {
      ...DEFAULT_LANGUAGES,
      ...pick(config, 'completions.languages', {}, isLanguageMap, 'an object of languageId: true/false', problems),
    },
    maxTokens: count('maxTokens', 48, 1, 1024),
    maxLines: count('maxLines', 4, 1, 100),
    budgets: {
      prefix: count('prefixTokens', 1024, 16, 32768),
      suffix: count('suffixTokens', 256, 0, 32768),
      extra: count('extraContextTokens', 512, 0, 32768),
    },
    fimLayout: pick(
      config,
      'completions.fimLayout',
      'auto',
      (v): v is 'auto' | FimLayout => v === 'auto' || (FIM_LAYOUTS as readonly unknown[]).includes(v),
      '"auto", "spm" or "psm"',
      problems,
    ),
    maxPromptMs: count('maxPromptMs', 3000, 0, 600_000),
    maxGenerationMs: count('maxGenerationMs', 3000, 0, 600_000),
    alternatives: count('alternatives', 3, 1, 8),
    debounce: pick(
      config,
      'completions.debounceMs',
      'auto',
      (v): v is DebounceSetting => v === 'auto' || (isNonNegativeInteger(v) && v <= 2000),
      '"auto" or a whole number from 0 to 2000',
      problems,
    ),
    prefetch: pick(config, 'completions.prefetch', true, isBoolean, 'true or false', problems),
  };
}

/** Toggles completions in the user settings, so the choice holds in every window. */
export async function setCompletionsEnabled(enabled: boolean): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('completions.enabled', enabled, vscode.ConfigurationTarget.Global);
}

export function affectsEngine(event: vscode.ConfigurationChangeEvent): boolean {
  return ENGINE_SETTINGS.some((key) => event.affectsConfiguration(key));
}

export function affectsHeatmapMode(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.heatmap.mode`);
}

export function affectsLlamaLens(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(SECTION);
}

/**
 * Whether VS Code applied the workspace's value of `key` (with `folder`: that folder's value in a multi-root
 * workspace). A value VS Code dropped, as machine-scoped or restricted, is not there at all.
 */
export function workspaceApplied(key: string, folder?: vscode.Uri): boolean {
  const inspected = vscode.workspace.getConfiguration(undefined, folder).inspect(key);
  return (folder ? inspected?.workspaceFolderValue : inspected?.workspaceValue) !== undefined;
}

/** Chooses the backend in the user settings, where it is machine-scoped. */
export async function setBackend(backend: 'local' | 'server'): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('backend', backend, vscode.ConfigurationTarget.Global);
}

/** Stores the model path in the user settings, never the workspace's. */
export async function setModelPath(path: string): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('modelPath', path, vscode.ConfigurationTarget.Global);
}

function modelPathSetting(config: vscode.WorkspaceConfiguration, problems: string[]): string | undefined {
  const choice = trustedModelPath(config.inspect('modelPath'), vscode.workspace.isTrusted, homedir());
  if (choice.problem) problems.push(choice.problem);
  return choice.path;
}

/** Machine-scoped, and read from the user's settings only: a workspace can never send code to a server it picked. */
function usesServer(config: vscode.WorkspaceConfiguration): boolean {
  return config.inspect<unknown>('backend')?.globalValue === 'server';
}

function serverSettings(config: vscode.WorkspaceConfiguration, problems: string[]): ServerSettings | undefined {
  const backend = config.inspect<unknown>('backend')?.globalValue;
  if (backend !== undefined && backend !== 'local' && backend !== 'server') {
    problems.push(`llamaLens.backend must be "local" or "server"; using "local" instead of ${JSON.stringify(backend)}.`);
  }
  if (!usesServer(config)) return undefined;
  const choice = parseServerUrl(config.inspect<unknown>('server.url')?.globalValue);
  if (!choice.url) {
    problems.push(choice.problem);
    return undefined;
  }
  const timeout = config.inspect<unknown>('server.timeoutMs')?.globalValue;
  const valid = isNonNegativeInteger(timeout) && timeout >= 1000 && timeout <= 600_000;
  if (timeout !== undefined && !valid) {
    problems.push(`llamaLens.server.timeoutMs must be a whole number from 1000 to 600000; using 30000 instead of ${
      JSON.stringify(timeout)}.`);
  }
  return { url: choice.url, timeoutMs: valid ? timeout : 30_000 };
}

/** Only the user's own settings choose where models are stored and downloaded: a workspace cannot. */
function modelsFolderSetting(config: vscode.WorkspaceConfiguration): string {
  const value = config.inspect<unknown>('modelsFolder')?.globalValue;
  return typeof value === 'string' ? value.replace(/^~(?=$|[\\/])/, homedir()) : '';
}

function pick<T>(
  config: vscode.WorkspaceConfiguration,
  key: string,
  fallback: T,
  valid: (v: unknown) => v is T,
  expected: string,
  problems: string[],
): T {
  const value = config.get<unknown>(key);
  if (value === undefined) return fallback;
  if (valid(value)) return value;
  problems.push(`llamaLens.${key} must be ${expected}; using ${JSON.stringify(fallback)} instead of ${JSON.stringify(value)}.`);
  return fallback;
}


function isLanguageMap(value: unknown): value is Record<string, boolean> {
  return isRecord(value) && Object.values(value).every(isBoolean);
}

