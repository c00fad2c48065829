// The user message and the context fit of palette prompts, against hand-written expectations.
import { strict as assert } from 'node:assert';
import { CUT_SLACK_TOKENS, planContextFit } from '../../src/core/prompts/contextFit';
import { fenceFor, userMessage } from '../../src/core/prompts/userMessage';

describe('userMessage', function () {
  it('is the trimmed instruction alone without context', function () {
    assert.equal(userMessage('  Explain closures. \n', '', 'javascript'), 'Explain closures.');
  });

  it('fences the context with its language after a blank line', function () {
    assert.equal(userMessage('Explain this.', 'x = 1', 'python'), 'Explain this.\n\n```python\nx = 1\n```');
  });

  it('does not double a final newline', function () {
    assert.equal(userMessage('Fix it.', 'a();\n', 'c'), 'Fix it.\n\n```c\na();\n```');
  });

  it('uses a longer fence when the code holds backtick runs', function () {
    assert.equal(fenceFor('no ticks'), '```');
    assert.equal(fenceFor('const s = `x`;'), '```');
    assert.equal(fenceFor('md = "```js"'), '````');
    assert.equal(userMessage('Explain.', 'a ```` b', 'md'), 'Explain.\n\n`````md\na ```` b\n`````');
  });
});

describe('planContextFit', function () {
  const base = { overheadTokens: 40, contextTokens: 1000, windowTokens: 512, answerTokens: 100 };

  it('fits when prompt and answer fit the window exactly', function () {
    assert.deepEqual(planContextFit({ ...base, promptTokens: 412 }, 'the selection', true), { kind: 'fits' });
  });

  it('cuts the context from its end, keeping what the room allows minus the slack', function () {
    // room 412 − overhead 40 − slack 8 = 364 tokens kept of 1000.
    assert.equal(CUT_SLACK_TOKENS, 8);
    assert.deepEqual(planContextFit({ ...base, promptTokens: 1045 }, 'the selection', true), {
      kind: 'cut',
      keepTokens: 364,
      cutTokens: 636,
    });
  });

  it('refuses instead of cutting when cutting is not allowed, naming the context', function () {
    const plan = planContextFit({ ...base, promptTokens: 1045 }, 'the selection', false);
    assert.equal(plan.kind, 'tooLong');
    assert.match(
      plan.kind === 'tooLong' ? plan.reason : '',
      /^The selection is too long: the prompt needs 1045 tokens plus 100 for the answer, and the model's context holds 512\./,
    );
  });

  it('refuses when even the prompt without context does not leave room', function () {
    const plan = planContextFit({ ...base, overheadTokens: 420, promptTokens: 1400 }, 'the selection', true);
    assert.equal(plan.kind, 'tooLong');
    assert.match(plan.kind === 'tooLong' ? plan.reason : '', /even without the selection/);
  });
});
