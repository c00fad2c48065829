// The engine wire's install of extra native binaries: node-llama-cpp's CUDA packages are too large for the VSIX, so
// the engine fetches them from the npm registry into a folder that it then resolves `@node-llama-cpp/*` imports from.
import { type Guard, hasFields, isArrayOf, isString, optional } from './guards';

/** Set on the engine process: the folder whose `node_modules` holds downloaded `@node-llama-cpp/*` packages. */
export const EXTRA_BINARIES_ENV = 'LLAMA_LENS_EXTRA_BINARIES';

/**
 * Test-only: the path of a JSON file (BinaryPinsFile) whose pins replace the ones built into the engine, so tests can
 * install fake packages from a local registry. Read by the engine process alone; see src/engine/binaryPins.ts for why
 * this seam is safe to ship.
 */
export const TEST_BINARY_PINS_ENV = 'LLAMA_LENS_TEST_BINARY_PINS';

/** Only node-llama-cpp's binary packages are installed: the engine resolves nothing else from the folder. */
export const BINARY_PACKAGE_NAME = /^@node-llama-cpp\/[a-z0-9][a-z0-9-]*$/;

export interface BinaryPackage {
  /** e.g. "@node-llama-cpp/linux-x64-cuda". */
  name: string;
  /** An exact version: it must equal node-llama-cpp's own, or node-llama-cpp ignores the package. */
  version: string;
}

/** A package the engine may install, and the one tarball it may be: npm's integrity string, "sha512-<base64>". */
export interface BinaryPin extends BinaryPackage {
  integrity: string;
}

export interface BinaryPinsFile {
  packages: BinaryPin[];
  /** A lower size cap for a test's tarballs; never raises the engine's own. */
  maxTarballBytes?: number;
}

/** "name@version", as npm writes it. */
export const packageLabel = (pkg: BinaryPackage) => `${pkg.name}@${pkg.version}`;

export interface InstallBinariesParams {
  /** Installed all or none: a failure of one leaves none of them behind. */
  packages: BinaryPackage[];
  /** The npm registry's base URL, e.g. https://registry.npmjs.org. */
  registry: string;
  /** Packages go to `<folder>/node_modules/<name>`, replacing what is there. */
  folder: string;
}

export interface InstallBinariesResult {
  installed: { name: string; version: string; path: string }[];
  /** Compressed bytes fetched. */
  downloadedBytes: number;
}

export const isBinaryPackage: Guard<BinaryPackage> = hasFields<BinaryPackage>({
  name: (v): v is string => isString(v) && BINARY_PACKAGE_NAME.test(v),
  version: (v): v is string => isString(v) && /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v),
});

export const isBinaryPin: Guard<BinaryPin> = (v): v is BinaryPin =>
  isBinaryPackage(v) &&
  hasFields<{ integrity: string }>({ integrity: (i): i is string => isString(i) && /^sha512-[A-Za-z0-9+/]+=*$/.test(i) })(v);

export const isBinaryPinsFile: Guard<BinaryPinsFile> = hasFields<BinaryPinsFile>({
  packages: isArrayOf(isBinaryPin),
  maxTarballBytes: optional((v): v is number => Number.isSafeInteger(v) && (v as number) > 0),
});

export const isInstallBinariesParams: Guard<InstallBinariesParams> = hasFields<InstallBinariesParams>({
  packages: (v): v is BinaryPackage[] => isArrayOf(isBinaryPackage)(v) && v.length > 0 && v.length <= 8,
  registry: (v): v is string => isString(v) && /^https?:\/\/[^\s]+$/.test(v),
  folder: (v): v is string => isString(v) && v.length > 0,
});

export const isInstallBinariesResult: Guard<InstallBinariesResult> = hasFields<InstallBinariesResult>({
  installed: isArrayOf(hasFields<InstallBinariesResult['installed'][number]>({ name: isString, version: isString, path: isString })),
  downloadedBytes: (v): v is number => Number.isSafeInteger(v) && (v as number) >= 0,
});
