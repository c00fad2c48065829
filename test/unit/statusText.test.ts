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
  server: null,
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

  it('names the server and its model on a llama-server, with the file and context in the tooltip', () => {
    const served: ModelInfo = { ...info, name: 'codellama-13b.Q4_K_M.gguf', filePath: '/srv/models/codellama-13b.Q4_K_M.gguf',
      backend: 'server', server: 'http://gpu-box:8080', hasChatTemplate: true };
    const { text, tooltip } = statusText({ kind: 'ready', info: served });
    assert.match(text, /codellama-13b\.Q4_K_M\.gguf \(gpu-box:8080\)$/);
    assert.match(tooltip, /^Server: http:\/\/gpu-box:8080 \(llama-server\)$/m);
    assert.match(tooltip, /^File on the server: \/srv\/models\/codellama-13b\.Q4_K_M\.gguf, /m);
    assert.doesNotMatch(tooltip, /GPU layers/);
  });

  it('says which server it is connecting to', () => {
    assert.match(statusText({ kind: 'loading', modelPath: 'http://gpu-box:8080/', fraction: 0 }).text, /connecting to gpu-box:8080$/);
    assert.match(statusText({ kind: 'idle', modelPath: 'https://llm.example/llama/' }).tooltip, /llama-server at llm\.example/);
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
