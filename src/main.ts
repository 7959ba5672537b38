/**
 * `npm start`: read config, claim the upload temp dir, make sure the model is on disk (fetching
 * a catalog model when allowed), build the app and serve HTTP until SIGINT/SIGTERM.
 */
import { createApp } from './composition/create-app';
import type { ModelSettings } from './config/load-config';
import { loadConfig } from './config/load-config';
import { describeStartupFailure } from './errors/startup-failure';
import { createHttpServer } from './http/http-server';
import { claimUploadTempDir } from './http/upload-temp-dir';
import type { Logger } from './observability/logger';
import { createLogger } from './observability/logger';
import { createProgressBars } from './model-store/model-progress';
import { resolveModelDir } from './model-store/model-resolver';

async function resolveModel(settings: ModelSettings): Promise<string> {
  const display = createProgressBars(process.stderr);
  try {
    const resolved = await resolveModelDir({
      modelDir: settings.dir,
      model: settings.name,
      modelsDir: settings.modelsDir,
      fetch: settings.autoFetch,
      fetchOptions: {
        onProgress: display.onProgress,
        baseUrl: settings.baseUrl,
        allowUnverified: settings.allowUnverified,
      },
    });
    return resolved.modelDir;
  } finally {
    display.stop();
  }
}

function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.log);
  const uploads = await claimUploadTempDir(config.http.uploadTmpDir);
  // graphql-upload-ts spools uploads into os.tmpdir() and offers no option to choose the
  // directory (see upload-temp-dir.ts); os.tmpdir() reads TMPDIR at each call.
  process.env['TMPDIR'] = uploads.dir;
  logger.info(
    { dir: uploads.dir, leftoverFilesRemoved: uploads.leftoverFiles },
    'upload temp dir ready',
  );
  const modelDir = await resolveModel(config.model);
  const app = await createApp(config, logger, modelDir);
  const http = createHttpServer({ app, config, logger });
  const { url } = await http.listen();
  logger.info(
    { url, graphiql: `${url}${config.http.graphqlPath}`, backend: app.backend, model: app.modelId },
    'listening',
  );
  onShutdown(logger, async () => {
    await http.close();
    await app.close();
    await uploads.release();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(describeStartupFailure(error));
  process.exit(1);
});
