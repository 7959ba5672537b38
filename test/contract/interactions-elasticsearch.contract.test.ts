import { ElasticsearchInteractionStore } from '../../src/adapters/elasticsearch/elasticsearch-interaction-store';
import { DEFAULTS } from '../../src/config/defaults';
import {
  deleteIndicesWithPrefix,
  describeElasticsearch,
  elasticsearchUrl,
  requireElasticsearch,
  testIndexPrefix,
} from '../helpers/elasticsearch';
import { describeInteractionStoreContract } from './interaction-store/describe-interaction-store-contract';

describeElasticsearch('elasticsearch interactions', () => {
  // Every create() gets its own prefix (fresh, empty storage); reopen() reuses the latest.
  const base = testIndexPrefix();
  let created = 0;

  const store = (halfLifeMs: number) =>
    new ElasticsearchInteractionStore({
      node: elasticsearchUrl(),
      indexPrefix: `${base}-${created}`,
      requestTimeoutMs: DEFAULTS.elasticsearch.requestTimeoutMs,
      halfLifeMs,
    });

  beforeAll(async () => {
    await requireElasticsearch();
  });

  describeInteractionStoreContract('elasticsearch', {
    async create(halfLifeMs) {
      created += 1;
      return store(halfLifeMs);
    },
    async reopen(halfLifeMs) {
      return store(halfLifeMs);
    },
    async cleanup() {
      await deleteIndicesWithPrefix(base);
    },
  });
});
