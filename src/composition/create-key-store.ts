import { SqliteApiKeyStore } from '../adapters/auth/sqlite-api-key-store';
import type { AuthSettings } from '../config/load-config';
import type { ApiKeyStore } from '../ports/api-key-store.port';

/**
 * The API key store: one SQLite file under DATA_DIR for every product backend (Elasticsearch
 * included), shared by the service and the keys CLI.
 */
export function createKeyStore(settings: Pick<AuthSettings, 'keyStoreFile'>): ApiKeyStore {
  return new SqliteApiKeyStore(settings.keyStoreFile);
}
