// When llamaLens.gpu is "cuda": makes sure node-llama-cpp's CUDA binaries are there, offering to download them (they
// are too large for the VSIX), or says why CUDA cannot be used here. Nothing is downloaded without the user's yes, and
// the download is offered once per window. The engine installs them and is then restarted, so that it finds them.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { isCancellation } from '../../client/Engine';
import type { ModelSession } from '../../client/ModelSession';
import builtInPins from 'llama-lens:binary-pins';
import { cudaOffer, cudaPackages } from '../../core/gpu/cudaOffer';
import { NPM_REGISTRY } from '../../core/gpu/cudaRegistry';
import { formatBytes } from '../../core/text/formatBytes';
import { type BinaryPackage, packageLabel as label } from '../../protocol/binariesProtocol';
import type { GpuSetting } from '../../protocol/engineProtocol';
import type { ConfigSnapshot } from '../config';
import { withDownloadProgress } from '../models/downloadWithProgress';
import { hasNvidiaGpu, installedVersions, packageVersion } from './cudaMachineFacts';
import { errorMessage } from '../../core/text/errorMessage';

export interface CudaBinariesDeps {
  session: ModelSession;
  log: vscode.LogOutputChannel;
  /** The extension's folder: its node_modules has node-llama-cpp (and, in a development checkout, maybe CUDA too). */
  extensionPath: string;
  /** Where downloaded packages go (`<folder>/node_modules`); the engine is started with it in LLAMA_LENS_EXTRA_BINARIES. */
  binariesFolder: string;
  /** The settings as the extension last read them (activation reads them once; so does each change). */
  settings: () => ConfigSnapshot;
}

/**
 * Checks now, and then whenever the returned function is called after a settings change: acts when llamaLens.gpu
 * becomes "cuda".
 */
export function watchCudaSetting(deps: CudaBinariesDeps): () => void {
  let previousGpu: GpuSetting | undefined;
  let offered = false;
  const check = () => {
    const gpu = deps.settings().load?.gpu;
    const becameCuda = gpu === 'cuda' && previousGpu !== 'cuda';
    previousGpu = gpu;
    if (!becameCuda) return;
    checkCuda(deps, () => {
      const first = !offered;
      offered = true;
      return first;
    }).catch((error: unknown) => deps.log.error(`Checking for CUDA binaries failed: ${errorMessage(error)}`));
  };
  check();
  return check;
}

/** `mayOffer` says whether this window may still ask (and counts the asking). */
async function checkCuda(deps: CudaBinariesDeps, mayOffer: () => boolean): Promise<void> {
  const bundled = join(deps.extensionPath, 'node_modules');
  const version = await packageVersion(bundled, 'node-llama-cpp');
  if (!version) throw new Error(`node-llama-cpp is missing from ${bundled}`);
  const names = (cudaPackages(process.platform, process.arch, version) ?? []).map((pkg) => pkg.name);
  const offer = cudaOffer({
    platform: process.platform,
    arch: process.arch,
    hasNvidiaGpu: await hasNvidiaGpu(),
    installedVersions: await installedVersions([bundled, join(deps.binariesFolder, 'node_modules')], names),
    nodeLlamaCppVersion: version,
    pinnedNames: builtInPins.map((pin) => pin.name),
  });
  switch (offer.kind) {
    case 'ready':
      deps.log.info(`CUDA binaries ${offer.packages.map(label).join(', ')} are installed.`);
      return;
    case 'noNvidiaGpu':
    case 'unsupportedPlatform':
      deps.log.warn(offer.message);
      void vscode.window.showWarningMessage(`Llama Lens: ${offer.message}`);
      return;
    case 'offerDownload': {
      if (!mayOffer()) return;
      const size = offer.approxBytes ? `about ${formatBytes(offer.approxBytes)}` : 'a few hundred MB';
      const why = offer.replacing
        ? `The CUDA binaries downloaded earlier are for another node-llama-cpp version than ${version}.`
        : "CUDA needs node-llama-cpp's CUDA binaries, which are too large to ship with Llama Lens.";
      // Read when asked, so the download goes where the message said.
      const registry = deps.settings().cudaRegistry;
      const from = registry === NPM_REGISTRY ? 'the npm registry' : `the npm registry at ${registry}`;
      const choice = await vscode.window.showInformationMessage(
        `Llama Lens: ${why} Download them from ${from} (${size})?`,
        'Download',
        'Not Now',
      );
      if (choice === 'Download') await download(deps, offer.packages, registry);
      return;
    }
    default: {
      const unreachable: never = offer;
      return unreachable;
    }
  }
}

async function download(deps: CudaBinariesDeps, packages: BinaryPackage[], registry: string): Promise<void> {
  const { session, log } = deps;
  try {
    const result = await withDownloadProgress('Llama Lens: downloading the CUDA binaries', (signal, onProgress) =>
      session.direct('installBinaries', { packages, registry, folder: deps.binariesFolder }, { signal, onProgress }));
    const installed = result.installed.map((p) => `${label(p)} in ${p.path}`).join(', ');
    log.info(`Installed ${installed} (${formatBytes(result.downloadedBytes)} downloaded). Restarting the engine to use CUDA.`);
    void vscode.window.showInformationMessage('Llama Lens: the CUDA binaries are installed. The engine restarts to use them.');
    // A running engine has looked for CUDA already; a fresh one finds the new packages.
    await session.restart().catch((error: unknown) => {
      // Said out loud: the user was just told the engine restarts to use CUDA.
      const message = errorMessage(error);
      log.error(message);
      void vscode.window.showErrorMessage(`Llama Lens: the CUDA binaries are installed, but the engine could not use them. ${message}`);
    });
  } catch (error) {
    if (isCancellation(error)) {
      void vscode.window.showInformationMessage('Llama Lens: the CUDA download was cancelled; nothing was kept.');
      return;
    }
    const message = errorMessage(error);
    log.error(`Installing the CUDA binaries failed: ${message}`);
    void vscode.window.showErrorMessage(`Llama Lens: ${message}`);
  }
}
