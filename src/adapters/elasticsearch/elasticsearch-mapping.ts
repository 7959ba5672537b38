import template from '../../../es-mappings/products.json';
import type { ProductIndexBinding } from '../../ports/product-index.port';

/** HNSW graph parameters of the `images.vector` field (config's defaults are Elasticsearch's). */
export interface HnswOptions {
  readonly m: number;
  readonly efConstruction: number;
}

/**
 * Bumped when the mapping changes incompatibly; a new version means a new concrete index.
 * 2: images.vectorBytes, the stored copy of each vector that getImageVectors reads.
 */
export const MAPPING_VERSION = 2;

/** The names one model's products live under: clients only ever use the alias. */
export interface IndexNames {
  readonly alias: string;
  readonly index: string;
}

// Elasticsearch index names: lower case, no \ / * ? " < > | , # : or space, not starting with
// - _ +, at most 255 bytes. Keeping [a-z0-9_-] is stricter than needed and always legal.
const MAX_ALIAS_LENGTH = 200;

/** A legal, lower-case index-name fragment for a model id such as `ViT-B-32__laion2b-s34b-b79k`. */
export function modelSlug(modelId: string): string {
  const slug = modelId
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .replace(/-+$/, '');
  return slug.length === 0 ? 'model' : slug;
}

/**
 * `<prefix>-<model slug>` is the alias and `<alias>-v<mapping version>` the index behind it.
 * Two model ids can share a slug (case, punctuation), so the real id is also kept in the
 * index's `_meta` and checked at open().
 */
export function indexNames(prefix: string, modelId: string): IndexNames {
  const alias = `${prefix}-${modelSlug(modelId)}`.slice(0, MAX_ALIAS_LENGTH);
  return { alias, index: `${alias}-v${MAPPING_VERSION}` };
}

type Json = Record<string, unknown>;

/** Deep copy of the template without its `_description*` keys (documentation, not settings). */
function stripDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDescriptions);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!key.startsWith('_description')) out[key] = stripDescriptions(inner);
  }
  return out;
}

/** The body of `indices.create` for one model: es-mappings/products.json with the runtime values. */
export function buildIndexBody(
  binding: ProductIndexBinding,
  hnsw: HnswOptions,
): { settings: Json; mappings: Json } {
  const body = stripDescriptions(template) as { settings: Json; mappings: MappingsShape };
  const { mappings } = body;
  mappings._meta = {
    modelId: binding.modelId,
    dims: binding.dims,
    mappingVersion: MAPPING_VERSION,
  };
  const vector = mappings.properties.images.properties.vector;
  vector.dims = binding.dims;
  vector.index_options = {
    ...vector.index_options,
    m: hnsw.m,
    ef_construction: hnsw.efConstruction,
  };
  return { settings: body.settings, mappings: mappings as unknown as Json };
}

interface MappingsShape {
  _meta: Json;
  properties: {
    images: { properties: { vector: { dims: number; index_options: Json } } };
  };
}

/** What open() needs to know about an existing index, read from its mapping. */
export interface ExistingBinding {
  readonly modelId: string | undefined;
  readonly dims: number | undefined;
}

/** Reads the model id and vector dims from an `indices.getMapping` entry's `mappings`. */
export function readBinding(mappings: unknown): ExistingBinding {
  const m = (mappings ?? {}) as {
    _meta?: { modelId?: unknown };
    properties?: { images?: { properties?: { vector?: { dims?: unknown } } } };
  };
  const dims = m.properties?.images?.properties?.vector?.dims;
  const modelId = m._meta?.modelId;
  return {
    modelId: typeof modelId === 'string' ? modelId : undefined,
    dims: typeof dims === 'number' ? dims : undefined,
  };
}

/**
 * The mapping version recorded in an existing index's `_meta`. Indexes made before the version
 * was recorded count as version 1.
 */
export function readMappingVersion(mappings: unknown): number {
  const version = (mappings as { _meta?: { mappingVersion?: unknown } } | undefined)?._meta
    ?.mappingVersion;
  return typeof version === 'number' ? version : 1;
}
