import { readFileSync } from 'node:fs';
import { ElasticsearchProductIndex } from '../adapters/elasticsearch/elasticsearch-product-index';
import { SqliteProductIndex } from '../adapters/sqlite/sqlite-product-index';
import type { IndexSettings } from '../config/load-config';
import type { Logger } from '../observability/logger';
import type { ProductIndex, ProductIndexBinding } from '../ports/product-index.port';

/**
 * The ProductIndex adapter `settings.kind` names, bound to the loaded model. Not opened yet:
 * the caller opens it, so it can close the embedder if that fails.
 */
export function createIndex(
  settings: IndexSettings,
  logger: Logger,
  binding: ProductIndexBinding,
): ProductIndex {
  switch (settings.kind) {
    case 'sqlite':
      return new SqliteProductIndex({
        dataDir: settings.dataDir,
        readWorkers: settings.readWorkers,
        binding,
        logger: logger.child({ component: 'sqlite-index' }),
      });
    case 'elasticsearch':
      return new ElasticsearchProductIndex({
        node: settings.url,
        auth: settings.auth,
        // Read here, not in loadConfig: config stays pure, and a missing file fails at start.
        ca: settings.caFile === undefined ? undefined : readFileSync(settings.caFile, 'utf8'),
        indexPrefix: settings.indexPrefix,
        hnsw: settings.hnsw,
        requestTimeoutMs: settings.requestTimeoutMs,
        binding,
        logger: logger.child({ component: 'elasticsearch-index' }),
      });
  }
}
