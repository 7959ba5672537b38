import { readFileSync } from 'node:fs';
import { ElasticsearchInteractionStore } from '../adapters/elasticsearch/elasticsearch-interaction-store';
import { SqliteInteractionStore } from '../adapters/sqlite/sqlite-interaction-store';
import type { IndexSettings, InteractionSettings } from '../config/load-config';
import type { InteractionStore } from '../ports/interaction-store.port';

/**
 * The interaction store of the catalog's backend: on SQLite its own file beside the catalog
 * (event writes never take the catalog's lock), on Elasticsearch its own indices under the
 * same prefix. Not opened yet.
 */
export function createInteractionStore(
  index: IndexSettings,
  settings: Pick<InteractionSettings, 'halfLifeMs' | 'sqliteFile'>,
): InteractionStore {
  switch (index.kind) {
    case 'sqlite':
      return new SqliteInteractionStore({
        file: settings.sqliteFile,
        halfLifeMs: settings.halfLifeMs,
      });
    case 'elasticsearch':
      return new ElasticsearchInteractionStore({
        node: index.url,
        auth: index.auth,
        ca: index.caFile === undefined ? undefined : readFileSync(index.caFile, 'utf8'),
        indexPrefix: index.indexPrefix,
        requestTimeoutMs: index.requestTimeoutMs,
        halfLifeMs: settings.halfLifeMs,
      });
  }
}
