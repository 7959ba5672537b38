import { ElasticsearchProductIndex } from '../../src/adapters/elasticsearch/elasticsearch-product-index';
import { DEFAULTS } from '../../src/config/defaults';
import {
  deleteIndicesWithPrefix,
  describeElasticsearch,
  elasticsearchUrl,
  requireElasticsearch,
  testIndexPrefix,
} from '../helpers/elasticsearch';
import { describeProductIndexContract } from './product-index/describe-product-index-contract';

describeElasticsearch('elasticsearch', () => {
  // Every create() gets its own prefix (fresh, empty storage); reopen() reuses the latest.
  const base = testIndexPrefix();
  let created = 0;

  function adapter(binding: { modelId: string; dims: number }): ElasticsearchProductIndex {
    return new ElasticsearchProductIndex({
      node: elasticsearchUrl(),
      indexPrefix: `${base}-${created}`,
      binding,
      hnsw: DEFAULTS.elasticsearch.hnsw,
      requestTimeoutMs: DEFAULTS.elasticsearch.requestTimeoutMs,
      // A forced refresh per write keeps the suite fast; 'wait_for' has its own test.
      refresh: true,
    });
  }

  beforeAll(async () => {
    await requireElasticsearch();
  });

  describeProductIndexContract('elasticsearch', {
    async create(binding) {
      created += 1;
      return adapter(binding);
    },
    async reopen(binding) {
      return adapter(binding);
    },
    async cleanup() {
      await deleteIndicesWithPrefix(base);
    },
  });
});
