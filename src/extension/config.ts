// The one reader of Llama Lens settings. It validates every value, says what it ignored and why,
// and knows which settings need the engine to reload the model.
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { trustedModelPath } from '../core/trustedModelPath';
import { GPU_SETTINGS, isGpuSetting, type GpuSetting, type LoadParams } from '../protocol/engineProtocol';

const SECTION = 'llamaLens';
/** Settings that change what the engine loads. */
const ENGINE_SETTINGS = ['modelPath', 'gpu', 'gpuLayers', 'threads', 'contextSize'].map((key) => `${SECTION}.${key}`);

export interface CompletionSettings {
  enabled: boolean;
  maxTokens: number;
  maxLines: number;
}

export interface ConfigSnapshot {
  /** Undefined when no model is configured (or only an untrusted workspace configured one). */
  load: LoadParams | undefined;
  completions: CompletionSettings;
  /** Human-readable problems with the settings, for the log and a warning. */
  problems: string[];
}

export function readConfig(): ConfigSnapshot {
  const config = vscode.workspace.getConfiguration(SECTION);
  const problems: string[] = [];
  const modelPath = modelPathSetting(config, problems);
  const gpu = pick<GpuSetting>(config, 'gpu', 'auto', isGpuSetting, `one of ${GPU_SETTINGS.join(', ')}`, problems);
  const gpuLayers = pick<'auto' | number>(config, 'gpuLayers', 'auto', (v): v is 'auto' | number => v === 'auto' || isCount(v), '"auto" or a whole number ≥ 0', problems);
  const threads = pick(config, 'threads', 0, isCount, 'a whole number ≥ 0 (0 = auto)', problems);
  const contextSize = pick(config, 'contextSize', 4096, isCount, 'a whole number ≥ 0 (0 = the model\'s own)', problems);
  const completions: CompletionSettings = {
    enabled: pick(config, 'completions.enabled', true, (v): v is boolean => typeof v === 'boolean', 'true or false', problems),
    maxTokens: pick(config, 'completions.maxTokens', 48, (v): v is number => isCount(v) && v >= 1 && v <= 1024, 'a whole number from 1 to 1024', problems),
    maxLines: pick(config, 'completions.maxLines', 4, (v): v is number => isCount(v) && v >= 1, 'a whole number ≥ 1', problems),
  };
  const load = modelPath ? { modelPath, gpu, gpuLayers, threads, contextSize } : undefined;
  return { load, completions, problems };
}

export function affectsEngine(event: vscode.ConfigurationChangeEvent): boolean {
  return ENGINE_SETTINGS.some((key) => event.affectsConfiguration(key));
}

export function affectsLlamaLens(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(SECTION);
}

/** Stores the model path in the user settings, never the workspace's. */
export async function setModelPath(path: string): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('modelPath', path, vscode.ConfigurationTarget.Global);
}

function modelPathSetting(config: vscode.WorkspaceConfiguration, problems: string[]): string | undefined {
  const choice = trustedModelPath(config.get('modelPath'), config.inspect('modelPath'), vscode.workspace.isTrusted, homedir());
  if (choice.problem) problems.push(choice.problem);
  return choice.path;
}

function pick<T>(config: vscode.WorkspaceConfiguration, key: string, fallback: T, valid: (v: unknown) => v is T, expected: string, problems: string[]): T {
  const value = config.get<unknown>(key);
  if (value === undefined) return fallback;
  if (valid(value)) return value;
  problems.push(`llamaLens.${key} must be ${expected}; using ${JSON.stringify(fallback)} instead of ${JSON.stringify(value)}.`);
  return fallback;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
