// The version of a package installed in a node_modules folder: read synchronously, as the resolve hook needs it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `<nodeModules>/<name>/package.json`'s version, or undefined when there is none. */
export function installedVersion(nodeModules: string, name: string): string | undefined {
  try {
    const { version } = JSON.parse(readFileSync(join(nodeModules, ...name.split('/'), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}
