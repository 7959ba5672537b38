import template from '../../../../es-mappings/products.json';
import {
  buildIndexBody,
  indexNames,
  modelSlug,
  readBinding,
} from '../../../../src/adapters/elasticsearch/elasticsearch-mapping';

describe('elasticsearch index naming', () => {
  it('turns model ids into legal lower-case index-name fragments', () => {
    expect(modelSlug('ViT-B-32__laion2b-s34b-b79k')).toBe('vit-b-32__laion2b-s34b-b79k');
    expect(modelSlug('openai/ViT B:32*?')).toBe('openai-vit-b-32');
    expect(modelSlug('_-+Model')).toBe('model');
    expect(modelSlug('***')).toBe('model');
  });

  it('puts a versioned index behind an alias named after prefix and model', () => {
    expect(indexNames('products', 'ViT-B/32')).toEqual({
      alias: 'products-vit-b-32',
      index: 'products-vit-b-32-v2',
    });
    expect(indexNames('p', 'x'.repeat(400)).index.length).toBeLessThan(255);
  });
});

describe('elasticsearch index body', () => {
  it('fills dims, HNSW parameters and the model into the checked-in mapping', () => {
    const body = buildIndexBody({ modelId: 'm1', dims: 512 }, { m: 24, efConstruction: 200 });
    const mappings = body.mappings as {
      _meta: unknown;
      properties: { images: { properties: { vector: Record<string, unknown> } } };
    };
    expect(mappings._meta).toEqual({ modelId: 'm1', dims: 512, mappingVersion: 2 });
    expect(mappings.properties.images.properties.vector).toMatchObject({
      dims: 512,
      similarity: 'cosine',
      index_options: { type: 'int8_hnsw', m: 24, ef_construction: 200 },
    });
    expect(JSON.stringify(body)).not.toContain('_description');
    expect(readBinding(body.mappings)).toEqual({ modelId: 'm1', dims: 512 });
  });

  it('leaves the template untouched for the next model', () => {
    const before = JSON.stringify(template);
    buildIndexBody({ modelId: 'm2', dims: 8 }, { m: 16, efConstruction: 100 });
    expect(JSON.stringify(template)).toBe(before);
  });

  it('reads nothing from a mapping without vectors or _meta', () => {
    expect(readBinding(undefined)).toEqual({ modelId: undefined, dims: undefined });
    expect(readBinding({ properties: {} })).toEqual({ modelId: undefined, dims: undefined });
  });
});
