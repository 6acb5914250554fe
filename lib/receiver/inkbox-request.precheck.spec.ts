import { computeInkboxSignature } from '../signature/inkbox-signature';
import { inkboxErrorBody, precheckInkboxRequest } from './inkbox-request.precheck';

const now = () => Math.floor(Date.now() / 1000);
function headers(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const ts = String(now());
  return {
    'x-inkbox-request-id': 'req_1',
    'x-inkbox-timestamp': ts,
    'x-inkbox-signature': computeInkboxSignature('k', 'req_1', ts, '{}'),
    'content-type': 'application/json',
    'content-length': '2',
    ...overrides,
  };
}

describe('precheckInkboxRequest (headers only, no key)', () => {
  it('passes a well-formed, fresh JSON request of allowed length, whatever the signature value', () => {
    expect(precheckInkboxRequest(headers(), 300, 2)).toBeUndefined();
    expect(
      precheckInkboxRequest(headers({ 'x-inkbox-signature': `sha256=${'0'.repeat(64)}` }), 300, 2),
    ).toBeUndefined();
    expect(precheckInkboxRequest(headers({ 'content-length': undefined }), 300, 2)).toBeUndefined();
    expect(precheckInkboxRequest(headers({ 'content-encoding': 'Identity ' }), 300, 2)).toBeUndefined();
    expect(
      precheckInkboxRequest(headers({ 'content-type': 'application/vnd.x+json; charset=utf-8' }), 300, 2),
    ).toBeUndefined();
  });

  it.each([
    [{ 'x-inkbox-request-id': undefined }, 400, 'missing_request_id'],
    [{ 'x-inkbox-timestamp': 'soon' }, 400, 'malformed_timestamp'],
    [{ 'x-inkbox-signature': 'sha256=abc' }, 400, 'malformed_signature'],
    [{ 'x-inkbox-timestamp': String(now() - 400) }, 401, 'timestamp_too_old'],
    [{ 'x-inkbox-timestamp': String(now() + 400) }, 401, 'timestamp_in_future'],
    [{ 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
    [{ 'content-type': undefined }, 415, 'unsupported_media_type'],
    [{ 'content-encoding': 'gzip' }, 415, 'content_encoding'],
    [{ 'content-length': '3' }, 413, 'body_too_large'],
  ])('%j → %i %s', (override, status, reason) => {
    expect(precheckInkboxRequest(headers(override), 300, 2)).toMatchObject({ status, reason });
  });

  it('checks in order: form, time, media type, encoding, length', () => {
    const all = {
      'x-inkbox-signature': 'bad',
      'x-inkbox-timestamp': String(now() - 400),
      'content-type': 'text/plain',
      'content-encoding': 'gzip',
      'content-length': '9',
    };
    expect(precheckInkboxRequest(headers(all), 300, 2)?.status).toBe(400);
    expect(
      precheckInkboxRequest(
        headers({ ...all, 'x-inkbox-signature': undefined, 'x-inkbox-timestamp': String(now() - 400) }),
        300,
        2,
      )?.status,
    ).toBe(400);
    const { 'x-inkbox-signature': _s, ...rest } = all;
    expect(precheckInkboxRequest(headers(rest), 300, 2)?.status).toBe(401);
    expect(precheckInkboxRequest(headers({ ...rest, 'x-inkbox-timestamp': undefined }), 300, 2)?.status).toBe(400);
  });

  it('writes Nest’s error JSON', () => {
    expect(JSON.parse(inkboxErrorBody(413, 'too large'))).toEqual({
      statusCode: 413,
      message: 'too large',
      error: 'Payload Too Large',
    });
    expect(JSON.parse(inkboxErrorBody(401, 'x'))).toEqual({ statusCode: 401, message: 'x', error: 'Unauthorized' });
    expect(JSON.parse(inkboxErrorBody(400, 'x')).error).toBe('Bad Request');
    expect(JSON.parse(inkboxErrorBody(415, 'x')).error).toBe('Unsupported Media Type');
  });
});
