// Which Llama Lens settings a workspace may set. package.json declares the same lists (a unit test holds them equal);
// VS Code enforces them, and the workspace reporter uses them to say why a workspace value was ignored.
//
// Choice (issue 20): what the model is and where it comes from is machine-scoped, so no workspace can set it, trusted
// or not. What costs CPU, memory or time, and the system prompt that steers every palette prompt, is restricted: an
// untrusted workspace (Restricted Mode) cannot set it, a trusted one can (it could run code through its tasks anyway),
// and the log says when it does. The thread count is also capped at the machine's cores (threadCount.ts) in both.

/** Only the user's settings (or, in a remote window, the remote's) may set these. */
export const MACHINE_SETTINGS = [
  'llamaLens.modelPath', 'llamaLens.modelsFolder', 'llamaLens.cuda.registry',
  'llamaLens.backend', 'llamaLens.server.url', 'llamaLens.server.timeoutMs',
] as const;

/** Ignored in untrusted workspaces: resources (CPU, GPU, memory, time) and the system prompt. */
export const RESTRICTED_SETTINGS = [
  ...MACHINE_SETTINGS,
  'llamaLens.gpu', 'llamaLens.gpuLayers', 'llamaLens.threads', 'llamaLens.contextSize',
  'llamaLens.completions.maxTokens', 'llamaLens.completions.prefixTokens', 'llamaLens.completions.suffixTokens',
  'llamaLens.completions.extraContextTokens', 'llamaLens.completions.maxPromptMs', 'llamaLens.completions.maxGenerationMs',
  'llamaLens.completions.alternatives', 'llamaLens.prompts.maxTokens', 'llamaLens.prompts.systemPrompt',
] as const;

export type IgnoredReason = 'machine' | 'untrusted' | 'scope';

/** A `llamaLens.*` key found in a workspace's settings file, and whether VS Code applied its value. */
export interface WorkspaceSettingValue {
  key: string;
  applied: boolean;
}

export interface IgnoredSetting {
  key: string;
  reason: IgnoredReason;
}

const isOneOf = (list: readonly string[], key: string) => list.includes(key);

/**
 * The workspace's values that do not count, and why. VS Code drops them before the extension sees them (a machine
 * setting anywhere in a workspace, a restricted one in Restricted Mode, a window setting in one folder of a multi-root
 * workspace), so "set in a file but not applied" is what ignored means; the policy only names the reason.
 */
export function ignoredWorkspaceSettings(found: readonly WorkspaceSettingValue[], trusted: boolean): IgnoredSetting[] {
  const ignored = new Map<string, IgnoredReason>();
  for (const { key, applied } of found) {
    if (applied || ignored.has(key)) continue;
    const reason: IgnoredReason = isOneOf(MACHINE_SETTINGS, key)
      ? 'machine'
      : !trusted && isOneOf(RESTRICTED_SETTINGS, key)
        ? 'untrusted'
        : 'scope';
    ignored.set(key, reason);
  }
  return [...ignored].map(([key, reason]) => ({ key, reason })).sort((a, b) => a.key.localeCompare(b.key));
}

/** Restricted settings a trusted workspace does set: they are in use, and the log says so. */
export function restrictedOverrides(found: readonly WorkspaceSettingValue[]): string[] {
  return [...new Set(found.filter(({ key, applied }) => applied && isOneOf(RESTRICTED_SETTINGS, key)).map(({ key }) => key))].sort();
}

const WHY: Record<IgnoredReason, string> = {
  machine: 'only your user settings choose the model, the server your code is sent to, where models are kept and where binaries come from',
  untrusted: 'this workspace is not trusted, so it cannot set resources or the system prompt; trust it to use them',
  scope: 'VS Code does not apply these at the level they are set (for example a window setting in one folder of a multi-root workspace)',
};

/** One line for the user, or undefined when nothing was ignored. */
export function ignoredSettingsMessage(ignored: readonly IgnoredSetting[]): string | undefined {
  if (ignored.length === 0) return undefined;
  const groups = (Object.keys(WHY) as IgnoredReason[])
    .map((reason) => [reason, ignored.filter((setting) => setting.reason === reason).map((setting) => setting.key)] as const)
    .filter(([, keys]) => keys.length > 0)
    .map(([reason, keys]) => `${keys.join(', ')} (${WHY[reason]})`);
  return `This workspace sets Llama Lens settings that are ignored: ${groups.join('; ')}.`;
}
