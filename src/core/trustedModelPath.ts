// Which model path counts. A workspace could point the model path at a crafted file, so only the
// user's own value is used: `llamaLens.modelPath` is machine-scoped (VS Code itself never applies a
// workspace's value), and a workspace that sets one anyway is told so instead of ignored silently.

export interface InspectedSetting {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export interface ModelPathChoice {
  path: string | undefined;
  problem?: string;
}

export function trustedModelPath(inspected: InspectedSetting | undefined, workspaceTrusted: boolean, home: string): ModelPathChoice {
  const fromWorkspace = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
  const problem =
    fromWorkspace === undefined
      ? undefined
      : `llamaLens.modelPath set by this ${workspaceTrusted ? '' : 'untrusted '}workspace is ignored: only your user settings choose which model file is loaded. Set it there, or run "Llama Lens: Select Model".`;
  const value = inspected?.globalValue;
  if (value === undefined || value === null || value === '') return { path: undefined, problem };
  if (typeof value !== 'string') return { path: undefined, problem: 'llamaLens.modelPath must be a path to a .gguf file.' };
  return { path: value.startsWith('~/') ? home + value.slice(1) : value, problem };
}
