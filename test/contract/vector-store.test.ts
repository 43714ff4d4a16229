import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteVectorStore } from '../../knowledge/stores/embedded/sqlite-vector-store.ts';
import { vectorStoreContract } from './vector-store.contract.ts';

const directory = mkdtempSync(join(tmpdir(), 'passerelle-store-'));
after(() => rmSync(directory, { recursive: true, force: true }));

vectorStoreContract('embedded (SQLite + sqlite-vec, on disk)', async () => new SqliteVectorStore(join(directory, 'knowledge.sqlite')));
vectorStoreContract('embedded (in memory)', async () => new SqliteVectorStore(':memory:'));

import { QdrantStore } from '../../knowledge/stores/qdrant/qdrant-store.ts';
import { startFakeQdrant, type FakeQdrant } from '../fakes/qdrant-server.ts';

describe('Qdrant store over the Qdrant REST protocol (fake server on 127.0.0.1)', () => {
  let fake: FakeQdrant;
  before(async () => {
    fake = await startFakeQdrant();
  });
  after(() => fake.close());
  vectorStoreContract('qdrant (fake server)', async () => new QdrantStore({ url: fake.url }));
});

// A real Qdrant cannot run on the CI machine; when one is reachable, the same contract runs against it.
const qdrantUrl = process.env.QDRANT_URL;
if (qdrantUrl) {
  vectorStoreContract(`qdrant (${qdrantUrl})`, async () =>
    new QdrantStore({ url: qdrantUrl, collectionPrefix: 'passerelle_test_', ...(process.env.QDRANT_API_KEY ? { apiKey: process.env.QDRANT_API_KEY } : {}) }),
  );
}
