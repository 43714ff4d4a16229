import { join } from 'node:path';
import { PostgresCurationStore } from '../../state/curation-store-postgres.ts';
import { SqliteCurationStore } from '../../state/curation-store-sqlite.ts';
import { makeTempDir } from '../integration/helpers/knowledge-fixtures.ts';
import { curationStoreContract } from './curation-store.contract.ts';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('curation stores (real SQLite file and real PostgreSQL)', () => {
  const temp = makeTempDir('curation-store');
  after(() => temp.remove());
  curationStoreContract('SQLite', async () => new SqliteCurationStore(join(temp.path, 'curation.sqlite')));
  curationStoreContract('PostgreSQL', () => PostgresCurationStore.open({ connectionString: DATABASE_URL, schema: 'passerelle_test_curation' }));
});
