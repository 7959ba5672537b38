import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SqliteInteractionStore } from '../../src/adapters/sqlite/sqlite-interaction-store';
import { describeInteractionStoreContract } from './interaction-store/describe-interaction-store-contract';

const dirs: string[] = [];
const file = () => path.join(dirs.at(-1) as string, 'interactions.sqlite');

describeInteractionStoreContract('SQLite', {
  async create(halfLifeMs) {
    dirs.push(await fs.mkdtemp(path.join(os.tmpdir(), 'interactions-contract-')));
    return new SqliteInteractionStore({ file: file(), halfLifeMs });
  },
  async reopen(halfLifeMs) {
    return new SqliteInteractionStore({ file: file(), halfLifeMs });
  },
  async cleanup() {
    for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
  },
});
