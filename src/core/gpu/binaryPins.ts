// The binary packages this build of Llama Lens installs, and the one tarball each may be: the sha512 integrity that
// our package-lock.json records, compiled into the engine (esbuild.config.mjs). A registry or mirror says only where
// to fetch a package from, never what it is.
import { type BinaryPackage, type BinaryPin, packageLabel as label } from '../../protocol/binariesProtocol';

/**
 * No pinned tarball is larger: for 3.21.1 and 3.22.1, linux-x64-cuda-ext is 176.7 MB (the largest; 3.21.1's win-x64-cuda-ext 175.4 MB),
 * the two builds 142.9 MB and 138.5 MB. A download is stopped here, before its hash can be checked, so that a server
 * cannot fill the disk. The sizes are not in the lock file: check them when node-llama-cpp is upgraded, since a
 * package that outgrows the cap is refused on the user's machine (with a message that names the cap).
 */
export const MAX_BINARY_TARBALL_BYTES = 256 * 1024 * 1024;

export type PinMatch = { pin: BinaryPin; sha512: string } | { problem: string };

/** The pin `pkg` must match: same name, same version. */
export function matchPin(pins: readonly BinaryPin[], pkg: BinaryPackage): PinMatch {
  const pin = pins.find((candidate) => candidate.name === pkg.name);
  if (!pin) {
    return {
      problem: `${label(pkg)} is not one of the binary packages this build of Llama Lens installs (${pins.map(label).join(', ') || 'none'}).`,
    };
  }
  if (pin.version !== pkg.version) {
    return { problem: `This build of Llama Lens installs ${pkg.name} only at version ${pin.version}, not ${pkg.version}.` };
  }
  const sha512 = sha512Of(pin.integrity);
  return sha512 ? { pin, sha512 } : { problem: `The pin of ${label(pin)} has no sha512 integrity.` };
}

/** The base64 digest of the sha512 in an npm integrity field, which may list several ("sha1-... sha512-..."). */
export function sha512Of(integrity: string): string | undefined {
  return /(?:^|\s)sha512-([A-Za-z0-9+/]+=*)(?:\s|$)/.exec(integrity)?.[1];
}

/** The first characters of a digest, enough to tell two apart in a message. */
export const shortDigest = (sha512: string) => `sha512-${sha512.slice(0, 16)}…`;
