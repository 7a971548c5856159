import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { readJsonBody } from './json-body.js';

function request(body: Buffer | string, headers: Record<string, string>): IncomingMessage {
  const stream = Readable.from([typeof body === 'string' ? Buffer.from(body) : body]) as unknown as IncomingMessage;
  stream.headers = headers;
  return stream;
}

const json = { 'content-type': 'application/json' };

describe('readJsonBody', () => {
  it('parses a UTF-8 JSON body', async () => {
    await expect(readJsonBody(request('{"a":"é"}', json), { limitBytes: 100 })).resolves.toEqual({ a: 'é' });
  });

  it('rejects a wrong content type with 415', async () => {
    await expect(readJsonBody(request('a=1', { 'content-type': 'application/x-www-form-urlencoded' }), { limitBytes: 100 })).rejects.toMatchObject({ status: 415 });
    await expect(readJsonBody(request('{}', { 'content-type': 'application/json; charset=latin1' }), { limitBytes: 100 })).rejects.toMatchObject({ status: 415 });
  });

  it('rejects a body over the limit with 413', async () => {
    await expect(readJsonBody(request('x'.repeat(200), json), { limitBytes: 100 })).rejects.toMatchObject({ status: 413 });
  });

  it('rejects non-UTF-8, empty and malformed bodies with 400 saying what to fix', async () => {
    await expect(readJsonBody(request(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), json), { limitBytes: 100 })).rejects.toThrow(/not valid UTF-8/);
    await expect(readJsonBody(request('', json), { limitBytes: 100 })).rejects.toThrow(/empty/);
    await expect(readJsonBody(request('{"a":', json), { limitBytes: 100 })).rejects.toThrow(/not valid JSON/);
  });
});
