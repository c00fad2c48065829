import { strict as assert } from 'node:assert';
import { parseServerUrl } from '../../src/core/net/serverUrl';
import { RestartBackoff, RETRY_FOREVER } from '../../src/core/RestartBackoff';

describe('parseServerUrl', () => {
  it('takes http and https URLs, trimmed, without their query or fragment', () => {
    assert.equal(parseServerUrl('  http://gpu-box:8080  ').url?.href, 'http://gpu-box:8080/');
    assert.equal(parseServerUrl('https://llm.example.org/team/?x=1#top').url?.href, 'https://llm.example.org/team/');
  });

  it('explains a missing URL, a malformed one and another scheme', () => {
    for (const empty of [undefined, '', '   ', 42]) assert.match(parseServerUrl(empty).problem ?? '', /server\.url is not set/);
    assert.match(parseServerUrl('gpu box').problem ?? '', /must be a URL/);
    assert.match(parseServerUrl('ftp://gpu-box/').problem ?? '', /http:\/\/ or https:\/\/, not ftp:/);
    assert.match(parseServerUrl('file:///etc/passwd').problem ?? '', /not file:/);
  });

  it('refuses a user name or password in the URL and does not repeat it', () => {
    for (const text of ['http://alice:hunter2@gpu-box:8080', 'http://alice@gpu-box:8080']) {
      const { url, problem } = parseServerUrl(text);
      assert.equal(url, undefined);
      assert.match(problem ?? '', /Set Server API Key/);
      assert.ok(!(problem ?? '').includes('hunter2') && !(problem ?? '').includes('alice'), problem);
    }
  });
});

describe('RETRY_FOREVER', () => {
  it('retries a down server at once, then after 1, 2, 4… s capped at 30 s, and never gives up', () => {
    let now = 0;
    const backoff = new RestartBackoff(RETRY_FOREVER, () => now);
    const delays: number[] = [];
    for (let failure = 0; failure < 9; failure++) {
      backoff.recordCrash();
      delays.push(backoff.delayMs);
      now += 100;
    }
    assert.deepEqual(delays, [0, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    assert.equal(backoff.gaveUp, false);
  });
});
