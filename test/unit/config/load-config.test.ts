import { ConfigError, loadConfig } from '../../../src/config/load-config';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to the SQLite backend and the default catalog model', () => {
    const config = loadConfig({});
    expect(config.elasticsearch).toBeUndefined();
    expect(config.model).toBe('ViT-B-32__laion2b-s34b-b79k');
    expect(config.port).toBe(4000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: '/tmp/x',
      MODEL_DIR: '/models/toy',
      MAX_UPLOAD_BYTES: '2048',
      MAX_IMAGE_PIXELS: '100',
      MODEL_AUTO_FETCH: 'false',
      ES_URL: 'http://127.0.0.1:9200',
      ES_API_KEY: 'abc',
    });
    expect(config).toMatchObject({
      port: 0,
      dataDir: '/tmp/x',
      modelDir: '/models/toy',
      maxUploadBytes: 2048,
      maxImagePixels: 100,
      modelAutoFetch: false,
    });
    expect(config.elasticsearch).toMatchObject({
      url: 'http://127.0.0.1:9200',
      auth: { apiKey: 'abc' },
      indexPrefix: 'products',
    });
  });

  it('lists every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'eighty', MAX_UPLOAD_BYTES: '-1', ES_URL: 'not a url' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['PORT', 'MAX_UPLOAD_BYTES', 'ES_URL']),
    );
  });

  it('refuses conflicting credentials and credentials without a URL', () => {
    expect(
      problemsOf({ ES_URL: 'http://es:9200', ES_API_KEY: 'k', ES_USERNAME: 'u', ES_PASSWORD: 'p' }),
    ).toHaveLength(1);
    expect(problemsOf({ ES_URL: 'http://es:9200', ES_USERNAME: 'u' })).toHaveLength(1);
    expect(problemsOf({ ES_API_KEY: 'k' })).toHaveLength(1);
  });

  it('treats an empty MODEL_DIR as unset', () => {
    expect(loadConfig({ MODEL_DIR: '' }).modelDir).toBeUndefined();
  });

  it('sizes the inference queue and caches, and refuses a queue smaller than a batch', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      embedMaxBatchSize: 16,
      embedMaxWaitMs: 5,
      embedMaxQueue: 256,
      textCacheSize: 4096,
      imageCacheSize: 4096,
    });
    expect(problemsOf({ EMBED_MAX_QUEUE: '4', EMBED_MAX_BATCH_SIZE: '16' })).toHaveLength(1);
    expect(loadConfig({ TEXT_CACHE_SIZE: '0' }).textCacheSize).toBe(0);
    expect(loadConfig({}).ortAllowSpinning).toBe(false);
    expect(loadConfig({ ORT_ALLOW_SPINNING: 'true' }).ortAllowSpinning).toBe(true);
  });
});
