import {
  InMemoryInteractionData,
  InMemoryInteractionStore,
} from '../fakes/in-memory-interaction-store';
import { describeInteractionStoreContract } from './interaction-store/describe-interaction-store-contract';

// The fake earns its place in service tests by passing the same contract as the real stores.
let data = new InMemoryInteractionData();

describeInteractionStoreContract('in-memory fake', {
  async create(halfLifeMs) {
    data = new InMemoryInteractionData();
    return new InMemoryInteractionStore(halfLifeMs, data);
  },
  async reopen(halfLifeMs) {
    return new InMemoryInteractionStore(halfLifeMs, data);
  },
  async cleanup() {
    data = new InMemoryInteractionData();
  },
});
