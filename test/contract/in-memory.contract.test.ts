import { InMemoryProductIndex, InMemoryStore } from '../fakes/in-memory-product-index';
import { describeProductIndexContract } from './product-index/describe-product-index-contract';

// The fake earns its place in service tests by passing the same contract as the real backends.
let store = new InMemoryStore();

describeProductIndexContract('in-memory fake', {
  async create(binding) {
    store = new InMemoryStore();
    return new InMemoryProductIndex(binding, store);
  },
  async reopen(binding) {
    return new InMemoryProductIndex(binding, store);
  },
  async cleanup() {
    store = new InMemoryStore();
  },
});
