import { ConfigError } from '../../../src/errors/config-error';
import { loadConfig } from '../../../src/config/load-config';

const machine = { availableParallelism: 2 };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env, machine);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig: photoFetch', () => {
  it('refuses private addresses and caps photos at the upload limit by default', () => {
    expect(loadConfig({}, machine).photoFetch).toEqual({
      allowPrivate: false,
      allowHosts: [],
      maxRedirects: 3,
      connectTimeoutMs: 5000,
      timeoutMs: 30_000,
      maxBytes: 10 * 1024 * 1024,
      maxConcurrency: 16,
      maxPerHost: 4,
      retries: 2,
      retryBaseDelayMs: 250,
      maxRetryAfterMs: 10_000,
    });
    expect(loadConfig({ MAX_UPLOAD_BYTES: '4096' }, machine).photoFetch.maxBytes).toBe(4096);
  });

  it('reads every IMAGE_FETCH_ variable', () => {
    const config = loadConfig(
      {
        IMAGE_FETCH_ALLOW_PRIVATE: 'true',
        IMAGE_FETCH_ALLOW_HOSTS:
          ' images.internal, *.cdn.internal ,10.20.0.0/16,127.0.0.1,fd00::/8,',
        IMAGE_FETCH_MAX_REDIRECTS: '0',
        IMAGE_FETCH_CONNECT_TIMEOUT_MS: '1000',
        IMAGE_FETCH_TIMEOUT_MS: '2000',
        IMAGE_FETCH_MAX_BYTES: '2048',
        IMAGE_FETCH_MAX_CONCURRENCY: '8',
        IMAGE_FETCH_MAX_PER_HOST: '1',
        IMAGE_FETCH_RETRIES: '0',
        IMAGE_FETCH_RETRY_BASE_MS: '10',
        IMAGE_FETCH_MAX_RETRY_AFTER_MS: '0',
      },
      machine,
    );
    expect(config.photoFetch).toEqual({
      allowPrivate: true,
      allowHosts: ['images.internal', '*.cdn.internal', '10.20.0.0/16', '127.0.0.1', 'fd00::/8'],
      maxRedirects: 0,
      connectTimeoutMs: 1000,
      timeoutMs: 2000,
      maxBytes: 2048,
      maxConcurrency: 8,
      maxPerHost: 1,
      retries: 0,
      retryBaseDelayMs: 10,
      maxRetryAfterMs: 0,
    });
    expect(Object.isFrozen(config.photoFetch.allowHosts)).toBe(true);
  });

  it('names each bad variable', () => {
    const problems = problemsOf({
      IMAGE_FETCH_ALLOW_HOSTS: 'ok.example, not a host',
      IMAGE_FETCH_ALLOW_PRIVATE: 'maybe',
      IMAGE_FETCH_MAX_REDIRECTS: '50',
      IMAGE_FETCH_MAX_PER_HOST: '0',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'IMAGE_FETCH_ALLOW_HOSTS',
      'IMAGE_FETCH_ALLOW_PRIVATE',
      'IMAGE_FETCH_MAX_PER_HOST',
      'IMAGE_FETCH_MAX_REDIRECTS',
    ]);
    expect(problemsOf({ IMAGE_FETCH_ALLOW_HOSTS: '10.0.0.0/40' })).toHaveLength(1);
  });
});
