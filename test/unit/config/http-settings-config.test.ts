import { loadConfig } from '../../../src/config/load-config';
import { ConfigError } from '../../../src/errors/config-error';

const machine = { availableParallelism: 2 };
const trustOf = (value: string | undefined) =>
  loadConfig({ TRUST_PROXY: value }, machine).http.trustProxy;

function problemOf(value: string): string {
  try {
    loadConfig({ TRUST_PROXY: value }, machine);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  throw new Error(`expected TRUST_PROXY=${value} to be refused`);
}

describe('TRUST_PROXY', () => {
  it('is off unless set: the socket peer is the client', () => {
    expect(trustOf(undefined)).toBe(false);
    expect(trustOf('')).toBe(false);
    expect(trustOf('false')).toBe(false);
    expect(trustOf('0')).toBe(false);
  });

  it('takes a hop count or a list of addresses, CIDRs and named ranges', () => {
    expect(trustOf('2')).toBe(2);
    expect(trustOf('loopback, 10.0.0.0/8,192.0.2.7, fd00::/8')).toEqual([
      'loopback',
      '10.0.0.0/8',
      '192.0.2.7',
      'fd00::/8',
    ]);
    expect(Object.isFrozen(trustOf('uniquelocal'))).toBe(true);
  });

  it('refuses true (anyone could name themselves), hostnames, bad CIDRs and absurd hop counts', () => {
    expect(problemOf('true')).toMatch(/^TRUST_PROXY: true would trust any X-Forwarded-For/);
    expect(problemOf('proxy.internal')).toMatch(/^TRUST_PROXY:/);
    expect(problemOf('10.0.0.0/33')).toMatch(/^TRUST_PROXY:/);
    expect(problemOf('loopback,,10.0.0.1')).toMatch(/^TRUST_PROXY:/);
    expect(problemOf('33')).toMatch(/^TRUST_PROXY: at most 32/);
  });
});

describe('UPLOAD_TMP_DIR', () => {
  it('defaults to a folder of its own in the OS temp dir, given as a machine fact', () => {
    expect(loadConfig({}, { availableParallelism: 1, tmpDir: '/var/tmp' }).http.uploadTmpDir).toBe(
      '/var/tmp/product-image-search-uploads',
    );
  });

  it('takes the variable when set', () => {
    const config = loadConfig({ UPLOAD_TMP_DIR: '/srv/pis/uploads' }, machine);
    expect(config.http.uploadTmpDir).toBe('/srv/pis/uploads');
  });
});
