// The pins the engine enforces: the CUDA packages it may install and resolve, with the sha512 each tarball must have.
//
// Built in: package-lock.json's, compiled into this bundle (esbuild.config.mjs). The test seam: TEST_BINARY_PINS_ENV
// names a JSON file whose pins replace them, so that tests can install fake packages from a local registry. It is
// safe in the shipped engine because no setting reaches it: it is read from this process's environment only, which
// neither user nor workspace settings can set, and whoever can set the environment VS Code runs in can already run
// code in it (NODE_OPTIONS=--require ...), so the variable grants nothing new. It can only lower the size cap, and
// the engine logs that it is in use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import builtInPins from 'llama-lens:binary-pins';
import { MAX_BINARY_TARBALL_BYTES } from '../core/gpu/binaryPins';
import { type BinaryPackage, type BinaryPin, isBinaryPinsFile, TEST_BINARY_PINS_ENV } from '../protocol/binariesProtocol';
import { installedVersion } from './installedVersion';

export interface PinSet {
  packages: readonly BinaryPin[];
  maxTarballBytes: number;
  /** Where a test's pins came from; undefined for the built-in ones. */
  testFile?: string;
}

/** Read on each call: a test may change its file between installs. An unreadable or malformed file throws. */
export function binaryPins(env: NodeJS.ProcessEnv = process.env): PinSet {
  const path = env[TEST_BINARY_PINS_ENV];
  if (!path) return { packages: builtInPins, maxTarballBytes: MAX_BINARY_TARBALL_BYTES };
  let file: unknown;
  try {
    file = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `Cannot read the binary pins in ${path} (${TEST_BINARY_PINS_ENV}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!isBinaryPinsFile(file)) throw new Error(`${path} (${TEST_BINARY_PINS_ENV}) is not a list of binary pins.`);
  return { packages: file.packages, maxTarballBytes: Math.min(MAX_BINARY_TARBALL_BYTES, file.maxTarballBytes ?? Infinity), testFile: path };
}

/** The pinned packages installed in `<folder>/node_modules` at their pinned version. */
export function installedPins(folder: string, pins: readonly BinaryPin[]): BinaryPackage[] {
  return pins
    .filter((pin) => installedVersion(join(folder, 'node_modules'), pin.name) === pin.version)
    .map(({ name, version }) => ({ name, version }));
}
