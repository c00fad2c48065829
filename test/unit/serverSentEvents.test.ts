// Server-sent events split anywhere by the network still give whole events, and a cut-off stream is noticed.
import { strict as assert } from 'node:assert';
import { ServerSentEvents } from '../../src/core/net/serverSentEvents';

const STREAM = ': keep-alive\n\ndata: {"a":1}\n\nevent: x\ndata: line one\ndata: line two\n\ndata: [DONE]\n\n';

describe('server-sent events', function () {
  it('gives each event\'s data, skipping comments and other fields', function () {
    const parser = new ServerSentEvents();
    assert.deepEqual(parser.push(STREAM), ['{"a":1}', 'line one\nline two', '[DONE]']);
    assert.deepEqual(parser.end(), { events: [], complete: true });
  });

  it('gives the same events however the stream is split, with \\n, \\r\\n or \\r line breaks', function () {
    for (const stream of [STREAM, STREAM.replaceAll('\n', '\r\n'), STREAM.replaceAll('\n', '\r')]) {
      for (const size of [1, 2, 3, 7, 13]) {
        const parser = new ServerSentEvents();
        const events: string[] = [];
        for (let at = 0; at < stream.length; at += size) events.push(...parser.push(stream.slice(at, at + size)));
        const { events: last, complete } = parser.end();
        const where = `${JSON.stringify(stream.slice(0, 16))} by ${size}`;
        assert.deepEqual([...events, ...last], ['{"a":1}', 'line one\nline two', '[DONE]'], where);
        assert.ok(complete);
      }
    }
  });

  it('holds back an event until its blank line, and reports a stream cut off inside one', function () {
    const parser = new ServerSentEvents();
    assert.deepEqual(parser.push('data: {"a":1}\n\ndata: {"b":'), ['{"a":1}']);
    assert.deepEqual(parser.end(), { events: [], complete: false });
    const unterminated = new ServerSentEvents();
    assert.deepEqual(unterminated.push('data: {"b":2}\n'), []);
    assert.deepEqual(unterminated.end(), { events: [], complete: false });
  });
});
