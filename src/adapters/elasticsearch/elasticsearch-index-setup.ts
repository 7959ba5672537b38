import { errors as esErrors, type Client } from '@elastic/elasticsearch';
import {
  DimensionMismatchError,
  IndexUnavailableError,
  ModelMismatchError,
} from '../../errors/app-error';
import type { ProductIndexBinding } from '../../ports/product-index.port';
import {
  buildIndexBody,
  MAPPING_VERSION,
  readBinding,
  readMappingVersion,
  type HnswOptions,
  type IndexNames,
} from './elasticsearch-mapping';

function errorType(error: unknown): string | undefined {
  if (!(error instanceof esErrors.ResponseError)) return undefined;
  const type = (error.body as { error?: { type?: unknown } } | undefined)?.error?.type;
  return typeof type === 'string' ? type : undefined;
}

/** The mapping behind the alias, or undefined when neither alias nor index exists. */
async function existingMapping(client: Client, names: IndexNames): Promise<unknown> {
  try {
    const response = await client.indices.getMapping({ index: names.alias });
    // An alias may resolve to several indices in principle; every one must fit the model.
    return Object.values(response).map((entry) => entry.mappings);
  } catch (error) {
    if (errorType(error) === 'index_not_found_exception') return undefined;
    throw error;
  }
}

/**
 * Throws DIMENSION_MISMATCH for an index of other dims, MODEL_MISMATCH for one made by another
 * model: every index behind the alias must have been made for this model.
 */
function checkBindings(mappings: unknown[], names: IndexNames, binding: ProductIndexBinding): void {
  for (const mapping of mappings) {
    const existing = readBinding(mapping);
    if (existing.dims !== binding.dims) {
      throw new DimensionMismatchError(
        "The Elasticsearch index holds vectors of other dims than the model's",
        {
          index: names.alias,
          expectedDims: binding.dims,
          actualDims: existing.dims ?? null,
        },
      );
    }
    if (existing.modelId !== undefined && existing.modelId !== binding.modelId) {
      // Same slug, same dims, other model: its vectors live in another space.
      throw new ModelMismatchError('The Elasticsearch index was made by another model', {
        index: names.alias,
        expectedModelId: binding.modelId,
        actualModelId: existing.modelId,
      });
    }
  }
}

/**
 * Throws INDEX_UNAVAILABLE (reason MAPPING_OUTDATED) when an index behind the alias was made by
 * another mapping version: its documents lack what this version reads (e.g. version 1 kept no
 * copy of the vectors), so serving it would fail later and less clearly.
 */
function checkMappingVersion(mappings: unknown[], names: IndexNames): void {
  for (const mapping of mappings) {
    const version = readMappingVersion(mapping);
    if (version === MAPPING_VERSION) continue;
    throw new IndexUnavailableError(
      `The Elasticsearch index behind ${names.alias} has mapping version ${version}, this ` +
        `release needs ${MAPPING_VERSION}: index the catalog again under another ` +
        'ES_INDEX_PREFIX, or delete the old index',
      {
        index: names.alias,
        reason: 'MAPPING_OUTDATED',
        mappingVersion: version,
        expectedMappingVersion: MAPPING_VERSION,
      },
    );
  }
}

/**
 * Makes sure the alias exists and points at an index made for this model, creating both when
 * missing. Returns true when it created the index. Safe when several processes open at once:
 * the loser of the creation race just checks what the winner made.
 */
export async function ensureIndex(
  client: Client,
  names: IndexNames,
  binding: ProductIndexBinding,
  hnsw: HnswOptions,
): Promise<boolean> {
  const mappings = (await existingMapping(client, names)) as unknown[] | undefined;
  if (mappings !== undefined) {
    checkBindings(mappings, names, binding);
    checkMappingVersion(mappings, names);
    return false;
  }
  try {
    await client.indices.create({
      index: names.index,
      ...buildIndexBody(binding, hnsw),
      aliases: { [names.alias]: { is_write_index: true } },
    });
    return true;
  } catch (error) {
    if (errorType(error) !== 'resource_already_exists_exception') throw error;
  }
  // The versioned index exists but the alias did not (a race, or an interrupted earlier open).
  await client.indices.putAlias({ index: names.index, name: names.alias, is_write_index: true });
  const after = (await existingMapping(client, names)) as unknown[] | undefined;
  checkBindings(after ?? [], names, binding);
  checkMappingVersion(after ?? [], names);
  return false;
}
