// Which model path counts. A workspace could point the model path at a crafted file, so in an
// untrusted workspace only the user's own (global) value is used.

export interface InspectedSetting {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export interface ModelPathChoice {
  path: string | undefined;
  problem?: string;
}

export function trustedModelPath(effective: unknown, inspected: InspectedSetting | undefined, workspaceTrusted: boolean, home: string): ModelPathChoice {
  const fromWorkspace = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
  let value = effective;
  let problem: string | undefined;
  if (!workspaceTrusted && fromWorkspace !== undefined) {
    value = inspected?.globalValue;
    problem = 'llamaLens.modelPath from this untrusted workspace is ignored; trust the workspace or set the path in your user settings.';
  }
  if (value === undefined || value === null || value === '') return { path: undefined, problem };
  if (typeof value !== 'string') return { path: undefined, problem: 'llamaLens.modelPath must be a path to a .gguf file.' };
  return { path: value.startsWith('~/') ? home + value.slice(1) : value, problem };
}
