import { classify } from '../../../../src/adapters/http-fetch/fetch-errors';
import { retryAfterMs, sleep } from '../../../../src/adapters/http-fetch/retry-timing';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delta-seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-5', now)).toBeUndefined();
  });
});

describe('sleep', () => {
  it('rejects with the signal reason when aborted', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');
    await expect(sleep(1, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });
});

describe('classify', () => {
  it.each([
    ['ENOTFOUND', 'DNS_FAILURE', false],
    ['EAI_AGAIN', 'DNS_FAILURE', true],
    ['ECONNREFUSED', 'CONNECTION_REFUSED', false],
    ['ECONNRESET', 'CONNECTION_RESET', true],
    ['UND_ERR_SOCKET', 'CONNECTION_RESET', true],
    ['UND_ERR_CONNECT_TIMEOUT', 'CONNECT_TIMEOUT', true],
    ['UND_ERR_HEADERS_TIMEOUT', 'TIMEOUT', true],
    ['UND_ERR_BODY_TIMEOUT', 'TIMEOUT', true],
    ['ERR_PHOTO_FETCH_TIMEOUT', 'TIMEOUT', true],
    ['EHOSTUNREACH', 'HOST_UNREACHABLE', false],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS', false],
    ['CERT_HAS_EXPIRED', 'TLS', false],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS', false],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'TLS', false],
    ['HPE_INVALID_CONSTANT', 'PROTOCOL', false],
    ['EWHATEVER', 'NETWORK', false],
  ])('maps %s to %s (retryable: %s)', (code, reason, retryable) => {
    expect(classify(withCode(code))).toEqual({ reason, retryable, networkCode: code });
  });

  it('finds the code on a wrapped cause, and copes with none', () => {
    const wrapped = new Error('fetch failed', { cause: withCode('ECONNREFUSED') });
    expect(classify(wrapped).reason).toBe('CONNECTION_REFUSED');
    expect(classify(new Error('plain'))).toEqual({
      reason: 'NETWORK',
      retryable: false,
      networkCode: undefined,
    });
  });
});
