// Picking `gpu: cuda` in a real VS Code (code-server in Chromium): the VSIX carries no CUDA binaries, so the user is
// offered the download where an NVIDIA driver is found, and told why CUDA cannot be used where none is (as on the
// CI machines). Either way the notification names what to do; nothing is downloaded without a yes.
import { hasNvidiaGpu } from '../../src/extension/cuda/cudaMachineFacts';
import { useCodeServer } from '../support/e2eSession';
import { generatedModelPath } from '../support/oracle';

describe('E2E: choosing the CUDA backend', function () {
  this.timeout(600_000);
  const session = useCodeServer('cuda', { 'cuda.js': 'const x = 1;\n' }, () => ({
    'llamaLens.modelPath': generatedModelPath('oracle.gguf'),
    'llamaLens.gpu': 'cuda',
  }));

  it('offers the CUDA download where an NVIDIA driver is found, and otherwise says why CUDA cannot run and what to set', async function () {
    const { page } = session().workbench;
    const expected = (await hasNvidiaGpu()) ? /Download them from the npm registry \(about [\d.]+ MB\)\?/ : /no NVIDIA GPU driver was found on this machine\. Set llamaLens\.gpu to "auto"/;
    await page.locator('.notifications-toasts .notification-toast').filter({ hasText: expected }).first().waitFor({ state: 'visible', timeout: 60_000 });
  });
});
