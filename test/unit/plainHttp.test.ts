import { strict as assert } from 'node:assert';
import { plainHttpProblem } from '../../src/core/net/plainHttp';

describe('plainHttpProblem', () => {
  it('allows https anywhere', () => {
    for (const url of ['https://registry.npmjs.org', 'https://10.0.0.5:8443/npm/', 'https://[2001:db8::1]/'])
      assert.equal(plainHttpProblem(url), undefined, url);
  });

  it('allows plain http on loopback only: localhost, 127.0.0.0/8 in any spelling, [::1]', () => {
    for (const url of [
      'http://localhost:4873',
      'http://LOCALHOST/',
      'http://127.0.0.1:4873/',
      'http://127.255.3.9/',
      'http://127.1/',
      'http://2130706433/',
      'http://[::1]:4873',
      'http://[0:0::1]/',
    ]) {
      assert.equal(plainHttpProblem(url), undefined, url);
    }
  });

  it('refuses plain http to any other host, look-alikes included, and says to use https', () => {
    for (const url of [
      'http://registry.npmjs.org',
      'http://10.0.0.5/',
      'http://0.0.0.0:4873/',
      'http://128.0.0.1/',
      'http://127.0.0.1.evil.example/',
      'http://localhost.evil.example/',
      'http://evil.localhost/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::2]/',
    ]) {
      assert.match(plainHttpProblem(url) ?? '', /plain http is used only on this machine .*; use https$/, url);
    }
  });

  it('refuses other schemes and what is not a URL', () => {
    assert.match(plainHttpProblem('file:///tmp/registry') ?? '', /^file: URLs are not fetched/);
    assert.match(plainHttpProblem('ftp://mirror/') ?? '', /^ftp: URLs are not fetched/);
    assert.match(plainHttpProblem('registry.npmjs.org') ?? '', /is not a URL/);
  });
});
