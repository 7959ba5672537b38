import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { IndexUnavailableError } from '../../errors/app-error';
import type { ApiKeyRecord, ApiKeyStore, Scope } from '../../ports/api-key-store.port';

interface Row {
  id: string;
  name: string;
  scopes: string;
  key_hash: string;
  created_at: string;
  revoked_at: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS api_keys (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  scopes     TEXT NOT NULL,
  key_hash   TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT
) STRICT;
`;

function toRecord(row: Row): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.split(' ').filter((s) => s !== '') as Scope[],
    hash: row.key_hash,
    createdAt: new Date(row.created_at),
    revokedAt: row.revoked_at === null ? undefined : new Date(row.revoked_at),
  };
}

/**
 * API keys in their own SQLite file (`<DATA_DIR>/api-keys.sqlite`), apart from the catalog, so
 * the store is the same whichever product backend runs. WAL with `synchronous=FULL`: a key is
 * on disk when `insert` resolves. SQLite's file locks let the keys CLI and the service use the
 * file at once (busy_timeout waits out the other's write), and every lookup reads the latest
 * committed state, so a revocation applies to the service's next request.
 */
export class SqliteApiKeyStore implements ApiKeyStore {
  private readonly db: Database.Database;
  private readonly byHash: Database.Statement<[string], Row>;
  private readonly byId: Database.Statement<[string], Row>;
  private readonly all: Database.Statement<[], Row>;
  private readonly insertRow: Database.Statement<[Row]>;
  private readonly revokeRow: Database.Statement<[string, string]>;

  constructor(file: string) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('busy_timeout = 5000');
      this.db.exec(SCHEMA);
    } catch (error) {
      throw new IndexUnavailableError(
        `Cannot open the API key store at ${file}`,
        { file },
        {
          cause: error,
        },
      );
    }
    this.byHash = this.db.prepare('SELECT * FROM api_keys WHERE key_hash = ?');
    this.byId = this.db.prepare('SELECT * FROM api_keys WHERE id = ?');
    this.all = this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, id');
    this.insertRow = this.db.prepare(
      'INSERT INTO api_keys VALUES (@id, @name, @scopes, @key_hash, @created_at, @revoked_at)',
    );
    this.revokeRow = this.db.prepare(
      'UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    );
  }

  insert(record: ApiKeyRecord): Promise<void> {
    return this.run(() => {
      this.insertRow.run({
        id: record.id,
        name: record.name,
        scopes: record.scopes.join(' '),
        key_hash: record.hash,
        created_at: record.createdAt.toISOString(),
        revoked_at: record.revokedAt?.toISOString() ?? null,
      });
    });
  }

  findByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    return this.run(() => {
      const row = this.byHash.get(hash);
      return row === undefined ? undefined : toRecord(row);
    });
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.run(() => this.all.all().map(toRecord));
  }

  revoke(id: string, at: Date): Promise<ApiKeyRecord | undefined> {
    return this.run(() => {
      this.revokeRow.run(at.toISOString(), id);
      const row = this.byId.get(id);
      return row === undefined ? undefined : toRecord(row);
    });
  }

  close(): Promise<void> {
    if (this.db.open) this.db.close();
    return Promise.resolve();
  }

  /** SQLite errors (locked past busy_timeout, disk full) become INDEX_UNAVAILABLE. */
  private run<T>(work: () => T): Promise<T> {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(
        new IndexUnavailableError('The API key store cannot serve', {}, { cause: error }),
      );
    }
  }
}
