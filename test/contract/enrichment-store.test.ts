import { join } from 'node:path';
import { PostgresEnrichmentStore } from '../../state/enrichment-store-postgres.ts';
import { SqliteEnrichmentStore } from '../../state/enrichment-store-sqlite.ts';
import { makeTempDir } from '../integration/helpers/knowledge-fixtures.ts';
import { enrichmentStoreContract } from './enrichment-store.contract.ts';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('enrichment stores (real SQLite file and real PostgreSQL)', () => {
  const temp = makeTempDir('enrichment-store');
  after(() => temp.remove());
  enrichmentStoreContract('SQLite', async () => new SqliteEnrichmentStore(join(temp.path, 'enrichment.sqlite')));
  enrichmentStoreContract('PostgreSQL', async () => new PostgresEnrichmentStore({ connectionString: DATABASE_URL, schema: 'passerelle_test_enrichment' }));
});
