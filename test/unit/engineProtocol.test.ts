import { strict as assert } from 'node:assert';
import { ENGINE_API, isEngineToHost, isHostToEngine } from '../../src/protocol/engineApi';
import { isCompleteParams, isLoadParams, isSurprisalParams } from '../../src/protocol/engineProtocol';

describe('engine protocol guards', () => {
  it('accepts well-formed load params and rejects bad settings', () => {
    const good = {
      modelPath: '/m.gguf',
      gpu: 'auto',
      gpuLayers: 'auto',
      threads: 0,
      contextSize: 4096,
      promptLookup: true,
      allowOversize: false,
    };
    assert.equal(isLoadParams(good), true);
    assert.equal(isLoadParams({ ...good, gpuLayers: 12 }), true);
    assert.equal(isLoadParams({ ...good, gpu: 'opencl' }), false);
    assert.equal(isLoadParams({ ...good, gpuLayers: -1 }), false);
    assert.equal(isLoadParams({ ...good, threads: 1.5 }), false);
    assert.equal(isLoadParams({ ...good, modelPath: '' }), false);
    assert.equal(isLoadParams(null), false);
  });

  it('takes a surprisal pass only at a known detail', () => {
    const good = { text: 'x', scoreFrom: 0, detail: 'bits' };
    assert.equal(isSurprisalParams(good), true);
    assert.equal(isSurprisalParams({ ...good, detail: 'full' }), true);
    assert.equal(isSurprisalParams({ ...good, detail: 'ranks' }), false);
    assert.equal(isSurprisalParams({ text: 'x', scoreFrom: 0 }), false);
  });

  it('bounds completion params', () => {
    const good = {
      prefix: 'a', suffix: '', extraContext: '', budgets: { prefix: 1024, suffix: 256, extra: 512 }, maxTokens: 16, stopAtNewline: true,
      layout: 'spm', maxPromptMs: 0, maxGenerationMs: 2000, alternatives: 1, trace: false,
    };
    assert.equal(isCompleteParams(good), true);
    assert.equal(isCompleteParams({ ...good, maxTokens: 0 }), false);
    assert.equal(isCompleteParams({ ...good, maxTokens: 100000 }), false);
    assert.equal(isCompleteParams({ ...good, layout: 'mps' }), false);
    assert.equal(isCompleteParams({ ...good, prefix: 3 }), false);
    assert.equal(isCompleteParams({ ...good, budgets: { prefix: 1, suffix: -1, extra: 0 } }), false);
    assert.equal(isCompleteParams({ ...good, budgets: undefined }), false);
    assert.equal(isCompleteParams({ ...good, maxGenerationMs: 1e9 }), false);
    assert.equal(isCompleteParams({ ...good, alternatives: 0 }), false);
    assert.equal(isCompleteParams({ ...good, alternatives: 9 }), false);
  });

  it('recognises host messages by kind and id', () => {
    assert.equal(isHostToEngine({ kind: 'request', id: 1, method: 'complete', params: {} }), true);
    assert.equal(isHostToEngine({ kind: 'request', id: 1, method: 'format', params: {} }), false);
    assert.equal(isHostToEngine({ kind: 'cancel', id: 3 }), true);
    assert.equal(isHostToEngine({ kind: 'cancel', id: -1 }), false);
    assert.equal(isHostToEngine('cancel'), false);
  });

  it('recognises engine messages and rejects malformed ones', () => {
    assert.equal(isEngineToHost({ kind: 'ready', pid: 42 }), true);
    assert.equal(isEngineToHost({ kind: 'response', id: 1, ok: true, result: {} }), true);
    assert.equal(isEngineToHost({ kind: 'response', id: 1, ok: false, error: { code: 'cancelled', message: 'x' } }), true);
    assert.equal(isEngineToHost({ kind: 'response', id: 1, ok: false }), false);
    assert.equal(
      isEngineToHost({ kind: 'response', id: 1, ok: false, error: { code: 'explode', message: 'x' } }),
      false,
      'an unknown error code',
    );
    assert.equal(isEngineToHost({ kind: 'log', level: 'shout', message: 'x' }), false);
    assert.equal(isEngineToHost({ kind: 'other' }), false);
  });

  it('checks result shapes per method', () => {
    const good = {
      contextTokens: [1, 2],
      fragment: '',
      pathText: '',
      top: [{ id: 5, text: '<script>', probability: 0.5 }],
      consistent: [],
      sortedProbabilities: 'AAAAPw==',
      entropyBits: 1,
      tailMass: 0.5,
      tailKnown: true,
      evaluatedTokens: 2,
      reusedTokens: 0,
    };
    assert.equal(ENGINE_API.distribution.result(good), true);
    assert.equal(ENGINE_API.distribution.result({ ...good, top: [{ id: 5, text: 5, probability: 0.5 }] }), false);
    assert.equal(ENGINE_API.distribution.result({ ...good, sortedProbabilities: undefined }), false);
    assert.equal(ENGINE_API.distribution.result({ ...good, tailKnown: undefined }), false, 'a server answer must say the tail is unknown');
    const scored = { start: 0, end: 2, id: 7, bits: Infinity, rank: null, entropyBits: null };
    const result = { tokens: [scored], evaluatedTokens: 3, reusedTokens: 0, windows: 1 };
    assert.equal(ENGINE_API.surprisal.result(result), true);
    assert.equal(ENGINE_API.surprisal.result({ ...result, tokens: [{ ...scored, rank: 4, entropyBits: 2.5 }] }), true);
    assert.equal(ENGINE_API.surprisal.result({ ...result, tokens: [{ ...scored, start: -1 }] }), false);
    assert.equal(ENGINE_API.surprisal.result({ ...result, tokens: [{ ...scored, rank: 0 }] }), false, 'ranks start at 1');
    assert.equal(ENGINE_API.surprisal.result({ ...result, tokens: [{ ...scored, entropyBits: Number.NaN }] }), false);
    assert.equal(ENGINE_API.surprisal.result({ ...result, windows: undefined }), false);
  });
});
