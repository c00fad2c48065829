// Which npm registry the CUDA binaries are downloaded from: npm's own unless the user names a mirror. Only the user's
// own settings count (`llamaLens.cuda.registry` is machine-scoped): a workspace must not redirect a download of native
// code. A value that is not an http(s) URL is refused with a message, and npm's registry is used.
import type { InspectedSetting } from '../trustedModelPath';

export const NPM_REGISTRY = 'https://registry.npmjs.org';

export interface RegistryChoice {
  /** An http(s) URL, without a trailing slash. */
  registry: string;
  problem?: string;
}

export function cudaRegistry(inspected: InspectedSetting | undefined): RegistryChoice {
  const fromWorkspace = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
  const ignored = fromWorkspace === undefined ? undefined
    : 'llamaLens.cuda.registry set by this workspace is ignored: only your user settings choose where the CUDA binaries are downloaded from.';
  const value = inspected?.globalValue;
  if (value === undefined || value === null || value === '') return { registry: NPM_REGISTRY, problem: ignored };
  const url = typeof value === 'string' ? parseUrl(value.trim()) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return { registry: NPM_REGISTRY, problem: `llamaLens.cuda.registry must be an http(s) URL such as "${NPM_REGISTRY}"; using ${NPM_REGISTRY} instead of ${JSON.stringify(value)}.` };
  }
  return { registry: url.href.replace(/\/+$/, ''), problem: ignored };
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
