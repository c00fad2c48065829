// Everything that can refuse an install of binary packages before a byte is written or a tarball fetched: the
// registry's URL, each package against its pin, and what the registry says of each tarball (its hash and size).
import { matchPin, shortDigest } from '../../core/gpu/binaryPins';
import { plainHttpProblem } from '../../core/net/plainHttp';
import { formatBytes } from '../../core/text/formatBytes';
import { type BinaryPackage, type InstallBinariesParams, packageLabel as label } from '../../protocol/binariesProtocol';
import { binaryPins } from './binaryPins';
import { tooLarge } from './downloadTarball';
import { CodedError } from '../EngineError';
import { tarballInfo } from './npmRegistry';
import { errorMessage } from '../../core/text/errorMessage';

export interface PlannedPackage {
  pkg: BinaryPackage;
  url: string;
  /** The pinned digest (base64), which the download must have before it is unpacked. */
  sha512: string;
  /** From the server; 0 when it does not say. */
  sizeBytes: number;
}

export interface InstallPlan {
  packages: PlannedPackage[];
  maxTarballBytes: number;
}

export async function planBinaryInstall(params: InstallBinariesParams, signal: AbortSignal): Promise<InstallPlan> {
  const pins = loadPins();
  const transport = plainHttpProblem(params.registry);
  if (transport) throw new CodedError('downloadFailed', `The binaries are not downloaded from ${params.registry}: ${transport}.`);
  const packages: PlannedPackage[] = [];
  // Every package's registry entry first: one that is refused fails the install before hundreds of MB are fetched.
  for (const pkg of params.packages) {
    const match = matchPin(pins.packages, pkg);
    if ('problem' in match) throw new CodedError('downloadFailed', `${match.problem} Nothing was downloaded.`);
    const info = await tarballInfo(params.registry, pkg, signal);
    // A registry that names another tarball (even one matching its own hash) is not fetched from at all.
    if (info.sha512 !== match.sha512) {
      throw new CodedError(
        'downloadFailed',
        `The registry at ${params.registry} offers a ${label(pkg)} that is not the one this build of Llama Lens ` +
          `pinned (${shortDigest(match.sha512)} pinned, ${shortDigest(info.sha512)} offered), so nothing was downloaded.`,
      );
    }
    if (info.sizeBytes > pins.maxTarballBytes) throw tooLarge(`${label(pkg)} (${formatBytes(info.sizeBytes)})`, pins.maxTarballBytes);
    packages.push({ pkg, url: info.url, sha512: match.sha512, sizeBytes: info.sizeBytes });
  }
  return { packages, maxTarballBytes: pins.maxTarballBytes };
}

function loadPins(): ReturnType<typeof binaryPins> {
  try {
    return binaryPins();
  } catch (error) {
    throw new CodedError('downloadFailed', errorMessage(error));
  }
}
