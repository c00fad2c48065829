// Which npm registry the CUDA binaries are downloaded from: npm's own unless the user names a mirror. Only the user's
// own settings count (`llamaLens.cuda.registry` is machine-scoped): a workspace must not redirect a download of native
// code. A value that is not an http(s) URL, or plain http to another machine, is refused with a message, and npm's
// registry is used. (The engine refuses those too, and installs only the tarballs it pins, whatever the registry.)
import { plainHttpProblem } from '../net/plainHttp';
import type { InspectedSetting } from '../trustedModelPath';

export const NPM_REGISTRY = 'https://registry.npmjs.org';

export interface RegistryChoice {
  /** An https URL (or http on this machine), without a trailing slash. */
  registry: string;
  problem?: string;
}

export function cudaRegistry(inspected: InspectedSetting | undefined): RegistryChoice {
  const fromWorkspace = inspected?.workspaceFolderValue ?? inspected?.workspaceValue;
  const ignored =
    fromWorkspace === undefined
      ? undefined
      : 'llamaLens.cuda.registry set by this workspace is ignored: only your user settings choose where the CUDA binaries are downloaded from.';
  const value = inspected?.globalValue;
  if (value === undefined || value === null || value === '') return { registry: NPM_REGISTRY, problem: ignored };
  const url = typeof value === 'string' ? parseUrl(value.trim()) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return {
      registry: NPM_REGISTRY,
      problem: `llamaLens.cuda.registry must be an http(s) URL such as "${NPM_REGISTRY}"; using ${NPM_REGISTRY} instead of ${JSON.stringify(value)}.`,
    };
  }
  const transport = plainHttpProblem(url.href);
  if (transport) {
    return {
      registry: NPM_REGISTRY,
      problem: `llamaLens.cuda.registry ${JSON.stringify(value)} is not used (${transport}); using ${NPM_REGISTRY} instead.`,
    };
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
