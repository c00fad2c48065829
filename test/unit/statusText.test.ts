import { strict as assert } from 'node:assert';
import { statusText } from '../../src/extension/statusText';
import type { ModelInfo } from '../../src/protocol/engineProtocol';

const info: ModelInfo = {
  name: 'CodeLlama 7B',
  filePath: '/models/codellama.gguf',
  architecture: 'llama',
  sizeBytes: 3_825_000_000,
  trainContextLength: 16384,
  contextSize: 4096,
  hasFim: true,
  fimLayout: 'spm',
  hasChatTemplate: false,
  chatWrapper: 'General',
  chatWrapperSource: 'fallback',
  backend: 'cuda',
  gpuLayers: 33,
  threads: 2,
};

describe('statusText', () => {
  it('says when no model is configured', () => {
    assert.match(statusText({ kind: 'noModel' }).text, /no model/);
  });

  it('shows load progress as a percentage', () => {
    assert.match(statusText({ kind: 'loading', modelPath: '/m/a.gguf', fraction: 0.426 }).text, /loading 43%/);
  });

  it('names the model and backend when ready, with details in the tooltip', () => {
    const { text, tooltip } = statusText({ kind: 'ready', info });
    assert.match(text, /CodeLlama 7B \(cuda\)/);
    assert.match(tooltip, /Backend: cuda, GPU layers: 33, threads: 2/);
    assert.match(tooltip, /Fill-in-the-middle: yes/);
    assert.match(tooltip, /Context: 4096 of 16384 tokens/);
  });

  it('says which chat format prompts use and where it came from', () => {
    assert.match(
      statusText({ kind: 'ready', info }).tooltip,
      /Prompts: General chat format \(general fallback; the model has no chat template\)/,
    );
    const chat = statusText({ kind: 'ready', info: { ...info, chatWrapper: 'Llama2Chat', chatWrapperSource: 'template' } }).tooltip;
    assert.match(chat, /Prompts: Llama2Chat chat format \(from the model's chat template\)/);
  });

  it('carries the error message in the tooltip', () => {
    const { text, tooltip } = statusText({ kind: 'error', message: 'file not found' });
    assert.match(text, /error/);
    assert.equal(tooltip, 'file not found');
  });
});
