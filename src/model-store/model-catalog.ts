/**
 * The model catalog (models/catalog.json): which CLIP models the project supports, where
 * each file of a model comes from and how to check its bytes. Validated once at load; an
 * invalid catalog is a TypeError that lists every problem.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { findUp } from '../lib/find-up';

/**
 * How a file's expected hash was published. Hugging Face shows the sha256 of LFS files;
 * for small non-LFS files the repository only publishes the git blob sha1, which is
 * sha1("blob <byteLength>\0" + bytes).
 */
export const HashKind = { sha256: 'sha256', gitBlobSha1: 'gitBlobSha1' } as const;
export type HashKind = (typeof HashKind)[keyof typeof HashKind];

const hashSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal(HashKind.sha256),
    value: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lower-case hex digits'),
    source: z.string().min(1),
  }),
  z.object({
    kind: z.literal(HashKind.gitBlobSha1),
    value: z.string().regex(/^[0-9a-f]{40}$/, 'git blob sha1 must be 40 lower-case hex digits'),
    source: z.string().min(1),
  }),
]);

/** A relative POSIX path that cannot escape the model folder. */
const relativePath = z
  .string()
  .min(1)
  .refine(
    (p) =>
      !p.startsWith('/') &&
      !p.includes('\\') &&
      !/^[A-Za-z]:/.test(p) &&
      p.split('/').every((part) => part !== '' && part !== '.' && part !== '..'),
    'path must be relative, use "/" and stay inside the model folder',
  );

const fileSchema = z.object({
  path: relativePath,
  url: z.url({ protocol: /^https?$/ }),
  sizeBytes: z.number().int().nonnegative().nullable(),
  /** null: no published hash was found; fetching it needs allowUnverified. */
  hash: hashSchema.nullable(),
});

const modelSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'name must be a safe folder name'),
    dims: z.number().int().positive(),
    description: z.string().min(1),
    license: z.string().min(1),
    source: z.object({ repo: z.string().min(1), revision: z.string().min(1) }),
    files: z.array(fileSchema).min(1),
  })
  .superRefine((model, ctx) => {
    const seen = new Set<string>();
    for (const file of model.files) {
      if (seen.has(file.path)) {
        ctx.addIssue({ code: 'custom', message: `duplicate file path "${file.path}"` });
      }
      seen.add(file.path);
    }
    if (!seen.has('config.json')) {
      ctx.addIssue({ code: 'custom', message: 'a model must list config.json' });
    }
  });

const catalogSchema = z
  .object({
    $comment: z.string().optional(),
    defaultModel: z.string().min(1),
    models: z.array(modelSchema).min(1),
  })
  .superRefine((catalog, ctx) => {
    const names = catalog.models.map((m) => m.name);
    const duplicates = names.filter((name, i) => names.indexOf(name) !== i);
    for (const name of new Set(duplicates)) {
      ctx.addIssue({ code: 'custom', message: `duplicate model name "${name}"` });
    }
    if (!names.includes(catalog.defaultModel)) {
      ctx.addIssue({
        code: 'custom',
        message: `defaultModel "${catalog.defaultModel}" is not among the models`,
      });
    }
  });

export type CatalogFile = Readonly<z.infer<typeof fileSchema>>;
export type CatalogModel = Readonly<z.infer<typeof modelSchema>>;
export type ModelCatalog = Readonly<z.infer<typeof catalogSchema>>;

/** Validates a parsed catalog document; throws a TypeError listing every problem. */
export function parseModelCatalog(input: unknown): ModelCatalog {
  const result = catalogSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new TypeError(`Invalid model catalog:\n  ${problems.join('\n  ')}`);
  }
  return deepFreeze(result.data);
}

/** The project's models/catalog.json, found from src/ (tsx, ts-jest) and dist/src/ alike. */
function defaultCatalogPath(): string {
  return findUp(path.join('models', 'catalog.json'));
}

/** Reads and validates a catalog file (default: the project's models/catalog.json). */
export function loadModelCatalog(catalogPath: string = defaultCatalogPath()): ModelCatalog {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(catalogPath, 'utf8'));
  } catch (error) {
    throw new TypeError(`Cannot read the model catalog at ${catalogPath}: ${String(error)}`, {
      cause: error,
    });
  }
  return parseModelCatalog(raw);
}

/** The catalog entry of that name, or undefined. */
export function findCatalogModel(catalog: ModelCatalog, name: string): CatalogModel | undefined {
  return catalog.models.find((model) => model.name === name);
}

/** Model names, in catalog order: used by error messages and `--list`. */
export function catalogModelNames(catalog: ModelCatalog): string[] {
  return catalog.models.map((model) => model.name);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
