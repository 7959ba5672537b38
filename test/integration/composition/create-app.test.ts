import { createApp } from '../../../src/composition/create-app';
import { loadConfig } from '../../../src/config/load-config';
import { ConfigError } from '../../../src/errors/config-error';
import { createLogger } from '../../../src/observability/logger';

it('refuses to build an app without a model folder with a ConfigError naming MODEL_DIR', async () => {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const error: unknown = await createApp(config, createLogger(config.log), undefined).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems.join('\n')).toMatch(/^MODEL_DIR: /);
});
