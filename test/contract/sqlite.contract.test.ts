import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SqliteProductIndex } from '../../src/adapters/sqlite/sqlite-product-index';
import { describeProductIndexContract } from './product-index/describe-product-index-contract';

const dirs: string[] = [];

describeProductIndexContract('SQLite', {
  async create(binding) {
    dirs.push(await fs.mkdtemp(path.join(os.tmpdir(), 'sqlite-contract-')));
    return new SqliteProductIndex({ dataDir: dirs.at(-1) as string, binding });
  },
  async reopen(binding) {
    return new SqliteProductIndex({ dataDir: dirs.at(-1) as string, binding });
  },
  async cleanup() {
    for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
  },
});
