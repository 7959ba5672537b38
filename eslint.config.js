// @ts-check
const fs = require('node:fs');
const path = require('node:path');
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

// Packages that reach a backend or a model: only adapters/ (and the composition root) use them.
const BACKEND_PACKAGES = [
  '@elastic/*',
  '@huggingface/*',
  'onnxruntime-node',
  'onnxruntime-common',
  'sharp',
  'better-sqlite3',
  'sqlite-vec',
];
// Packages of the GraphQL/HTTP transport: only graphql/ and http/ use them.
const TRANSPORT_PACKAGES = [
  'graphql',
  'graphql-*',
  '@graphql-*/*',
  '@apollo/*',
  '@as-integrations/*',
  'express',
  'dataloader',
];
// What makes code impure: logging, metrics, files, threads, sockets.
const IO_PACKAGES = [
  'pino',
  'prom-client',
  ...['fs', 'fs/*', 'child_process', 'worker_threads', 'http', 'https', 'net'].flatMap((m) => [
    m,
    `node:${m}`,
  ]),
];

/**
 * The layers of the README's picture, as the src/ folders each src/ folder may import (besides
 * itself) and the packages it must not. `'*'` marks the composition roots, the only places that
 * pick adapters. test/unit/lint-layers.test.ts checks that every src/ folder is listed here.
 */
const LAYERS = {
  domain: { may: [], packages: [...BACKEND_PACKAGES, ...TRANSPORT_PACKAGES, ...IO_PACKAGES] },
  errors: { may: [], packages: BACKEND_PACKAGES },
  lib: { may: ['errors'], packages: [...BACKEND_PACKAGES, ...TRANSPORT_PACKAGES] },
  ports: {
    may: ['domain', 'errors'],
    packages: [...BACKEND_PACKAGES, ...TRANSPORT_PACKAGES, ...IO_PACKAGES],
  },
  services: {
    may: ['domain', 'ports', 'errors', 'lib'],
    packages: [...BACKEND_PACKAGES, ...TRANSPORT_PACKAGES, ...IO_PACKAGES],
  },
  embedding: {
    may: ['domain', 'ports', 'errors', 'lib'],
    packages: [...BACKEND_PACKAGES, ...TRANSPORT_PACKAGES],
  },
  config: {
    may: ['domain', 'errors', 'lib'],
    packages: [...BACKEND_PACKAGES, ...TRANSPORT_PACKAGES],
  },
  'model-store': {
    may: ['domain', 'errors', 'lib', 'config'],
    packages: [...BACKEND_PACKAGES, ...TRANSPORT_PACKAGES],
  },
  observability: {
    may: ['domain', 'ports', 'errors', 'lib', 'config', 'embedding'],
    packages: [...BACKEND_PACKAGES, ...TRANSPORT_PACKAGES],
  },
  // Adapters know no transport and hold no policy; adapters/<tech>/ never reaches into another.
  adapters: {
    may: ['domain', 'ports', 'errors', 'lib', 'observability', 'model-store'],
    packages: TRANSPORT_PACKAGES,
  },
  graphql: {
    may: ['domain', 'ports', 'services', 'errors', 'lib', 'observability', 'config'],
    packages: BACKEND_PACKAGES,
  },
  // http/ mounts the GraphQL server through its wiring entry and knows nothing else of graphql/.
  http: {
    may: ['domain', 'errors', 'lib', 'observability', 'config'],
    entries: { graphql: ['apollo-server', 'context'] },
    packages: BACKEND_PACKAGES,
  },
  composition: { may: '*' },
  cli: { may: '*' },
};

const SRC = path.join(__dirname, 'src');

function subfolders(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

const toRegex = (text) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');

/** A relative import whose path runs through one of `folders` (`../../adapters/sqlite/x`). */
function folderRegex(folders) {
  return `^\\.{1,2}/(?:.*/)?(?:${folders.map(toRegex).join('|')})(?:/|$)`;
}

/** A relative import of `folder` other than its `entries` (`../graphql/apollo-server` passes). */
function folderExceptRegex(folder, entries) {
  return `^\\.{1,2}/(?:.*/)?${toRegex(folder)}(?:$|/(?!(?:${entries.map(toRegex).join('|')})$))`;
}

/** A package or any of its subpaths; `@scope/*` is the whole scope. */
function packageRegex(names) {
  const alternatives = names.map((name) =>
    name.endsWith('/*') ? `${toRegex(name.slice(0, -2))}/` : `${toRegex(name)}(?:/|$)`,
  );
  return `^(?:${alternatives.join('|')})`;
}

/** `adapter`: for adapters/<adapter>/, which must not import its sibling adapter folders. */
function layerPatterns(name, layer, adapter) {
  const entries = layer.entries ?? {};
  const denied = subfolders(SRC).filter(
    (folder) => folder !== name && !layer.may.includes(folder) && !(folder in entries),
  );
  const allowed = [...layer.may, ...Object.keys(entries).map((f) => `${f}/{${entries[f]}}`)];
  const message =
    `src/${name}/ may import only src/{${allowed.join(',')}}/ ` +
    '(README "Architecture"; only src/composition/ picks adapters).';
  const patterns = [];
  if (denied.length > 0) patterns.push({ regex: folderRegex(denied), message });
  for (const [folder, names] of Object.entries(entries)) {
    patterns.push({ regex: folderExceptRegex(folder, names), message });
  }
  const siblings = adapter === undefined ? [] : subfolders(path.join(SRC, 'adapters'));
  const others = siblings.filter((folder) => folder !== adapter);
  if (others.length > 0) {
    const adapterMessage = `src/adapters/${adapter}/ must not import another adapter folder.`;
    patterns.push({ regex: folderRegex(others), message: adapterMessage });
  }
  if (layer.packages.length > 0) {
    const packageMessage = `src/${name}/ must not use this package: ${layer.packages.join(', ')} belong to other layers (README "Architecture").`;
    patterns.push({ regex: packageRegex(layer.packages), message: packageMessage });
  }
  return patterns;
}

function layerConfigs() {
  const configs = [];
  for (const [name, layer] of Object.entries(LAYERS)) {
    if (layer.may === '*') continue;
    const rule = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
    configs.push({ files: [`src/${name}/**/*.ts`], rules: rule(layerPatterns(name, layer)) });
    if (name !== 'adapters') continue;
    // A later config replaces the rule's options, so each adapter folder repeats the layer's.
    for (const adapter of subfolders(path.join(SRC, 'adapters'))) {
      configs.push({
        files: [`src/adapters/${adapter}/**/*.ts`],
        rules: rule(layerPatterns(name, layer, adapter)),
      });
    }
  }
  return configs;
}

module.exports = tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'data/',
      '.cache/',
      '.es/',
      'src/http/graphiql/*.js',
      'src/graphql/generated/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  ...layerConfigs(),
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
        process: 'readonly',
      },
    },
  },
);
