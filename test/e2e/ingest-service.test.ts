/** The ingest command against the real service on the SQLite backend (the default). */
import { startTestServer } from '../helpers/test-server';
import { describeIngestAgainstService } from './ingest-service-scenarios';

describe('ingest command against the service on the SQLite backend', () => {
  describeIngestAgainstService((env) => startTestServer(env));
});
