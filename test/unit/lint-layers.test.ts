/**
 * The layer rules in eslint.config.js, run through ESLint's Node API on in-memory files: a
 * forbidden import must be reported, an allowed one must not. Without this, a typo in a glob or
 * a folder rename would switch a layer's rule off silently and `npm run check` would stay green.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '../..');
// The composition roots may import every layer, adapters included.
const UNRESTRICTED = ['composition', 'cli'];

// The config file is required, not loaded by ESLint: ESLint's own loader uses a dynamic
// import() that jest's module sandbox refuses. Type information is not needed for this rule.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const projectConfig = require(path.join(ROOT, 'eslint.config.js')) as ESLint.Options['baseConfig'];
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: true,
  baseConfig: projectConfig,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});

/** The import sources of `sources` that the rules report for a file at `file`. */
async function reported(file: string, sources: readonly string[]): Promise<string[]> {
  const code = sources.map((source, i) => `import m${i} from '${source}';`).join('\n');
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  const lines = new Set((result?.messages ?? []).map((message) => message.line));
  for (const message of result?.messages ?? []) {
    expect(message.ruleId).toBe('no-restricted-imports');
  }
  return sources.filter((_, i) => lines.has(i + 1));
}

const BACKENDS = ['@elastic/elasticsearch', 'onnxruntime-node', 'sharp', 'better-sqlite3'];
const FORBIDDEN: Record<string, readonly string[]> = {
  'src/domain/probe.ts': [
    '../ports/product-index.port',
    '../errors/app-error',
    '../lib/settled',
    'node:fs',
    'fs/promises',
    ...BACKENDS,
    'sqlite-vec',
    'graphql',
    'express',
    '@apollo/server',
    'pino',
  ],
  'src/ports/probe.port.ts': [
    '../services/search/search.service',
    '../adapters/sqlite/sqlite-product-index',
    '../lib/settled',
    'onnxruntime-node',
  ],
  'src/services/search/probe.ts': [
    '../../adapters/sqlite/sqlite-product-index',
    '../../graphql/context',
    '../../http/http-server',
    '../../composition/create-app',
    '../../config/load-config',
    '../../embedding/caching-embedder',
    'graphql',
    'graphql-upload-ts',
    'express',
    ...BACKENDS,
    'pino',
  ],
  'src/embedding/probe.ts': [
    '../adapters/onnx/onnx-embedder',
    '../services/search/search.service',
    '../config/load-config',
    'onnxruntime-node',
    'graphql',
  ],
  'src/adapters/sqlite/probe.ts': [
    '../elasticsearch/elasticsearch-errors',
    '../onnx/model-config',
    '../../services/search/search.service',
    '../../graphql/format-error',
    '../../http/http-server',
    '../../composition/create-app',
    '../../config/load-config',
    'graphql',
    'express',
    '@apollo/server/errors',
  ],
  'src/adapters/elasticsearch/probe.ts': ['../sqlite/sqlite-errors', '../onnx'],
  'src/graphql/resolvers/probe.ts': [
    '../../adapters/sqlite/sqlite-product-index',
    '../../composition/create-app',
    '../../http/http-server',
    ...BACKENDS,
  ],
  'src/http/middleware/probe.ts': [
    '../../adapters/elasticsearch/elasticsearch-product-index',
    '../../graphql/format-error',
    '../../graphql/resolvers/resolvers',
    '../../graphql',
    '../../services/search/search.service',
    ...BACKENDS,
  ],
  'src/lib/probe.ts': ['../services/search/search.service', '../config/load-config', 'sharp'],
  'src/errors/probe.ts': ['../graphql/format-error', '../domain/product', '@elastic/elasticsearch'],
  'src/config/probe.ts': ['../adapters/sqlite/sqlite-product-index', '../services/search/fusion'],
  'src/model-store/probe.ts': ['../adapters/onnx/model-config', 'onnxruntime-node'],
  'src/observability/probe.ts': ['../adapters/sqlite/sqlite-product-index', 'sharp'],
};

const ALLOWED: Record<string, readonly string[]> = {
  'src/domain/probe.ts': ['./vector', 'node:crypto'],
  'src/services/search/probe.ts': [
    '../../domain/search',
    '../../ports/embedder.port',
    '../../errors/app-error',
    '../../lib/settled',
    '../indexing/indexing.service',
    './cursor',
    'zod',
  ],
  'src/adapters/sqlite/probe.ts': [
    './sqlite-errors',
    '../../ports/product-index.port',
    '../../domain/product',
    'better-sqlite3',
    'node:worker_threads',
    'pino',
  ],
  'src/graphql/resolvers/probe.ts': [
    '../../services/search/search.service',
    'graphql',
    '../context',
  ],
  'src/http/probe.ts': [
    '../graphql/apollo-server',
    '../graphql/context',
    'express',
    './graphiql/x',
  ],
  'src/composition/probe.ts': [
    '../adapters/sqlite/sqlite-product-index',
    '../adapters/elasticsearch/elasticsearch-product-index',
    'node:fs',
  ],
  'src/main.ts': ['./composition/create-app', './adapters/onnx/onnx-embedder'],
  'test/unit/probe.test.ts': ['../../src/adapters/sqlite/sqlite-product-index', 'sharp'],
};

describe('layer rules (eslint.config.js)', () => {
  it.each(Object.entries(FORBIDDEN))(
    '%s: reports every forbidden import',
    async (file, sources) => {
      expect(await reported(file, sources)).toEqual(sources);
    },
  );

  it.each(Object.entries(ALLOWED))(
    '%s: allows its own layer and those below',
    async (file, sources) => {
      expect(await reported(file, sources)).toEqual([]);
    },
  );

  it('gives every src/ folder a layer rule, except the composition roots', async () => {
    const folders = readdirSync(path.join(ROOT, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !UNRESTRICTED.includes(entry.name))
      .map((entry) => entry.name);
    const unruled: string[] = [];
    for (const folder of folders) {
      const config = (await eslint.calculateConfigForFile(
        path.join(ROOT, 'src', folder, 'probe.ts'),
      )) as { rules?: Record<string, unknown> };
      if (config.rules?.['no-restricted-imports'] === undefined) unruled.push(folder);
    }
    expect(unruled).toEqual([]);
  });
});
