// The body of a pax extended header: records "<length> <key>=<value>\n", where the length counts the record's own bytes
// (UTF-8), so it is read from bytes, not characters.

const decoder = new TextDecoder('utf-8');

export function parsePaxRecords(body: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    // Padding after the last record (some writers leave NULs) ends the list.
    if (body[at] === 0) break;
    const space = body.indexOf(0x20, at);
    const length = space > at ? Number(decoder.decode(body.subarray(at, space))) : NaN;
    const end = at + length;
    if (!Number.isSafeInteger(length) || length <= space - at || end > body.length || body[end - 1] !== 0x0a) {
      throw new Error('a pax extended header has a malformed record');
    }
    const record = decoder.decode(body.subarray(space + 1, end - 1));
    const equals = record.indexOf('=');
    if (equals <= 0) throw new Error('a pax extended header has a record without a key');
    records.set(record.slice(0, equals), record.slice(equals + 1));
    at = end;
  }
  return records;
}
