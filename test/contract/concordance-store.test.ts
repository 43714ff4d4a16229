import { join } from 'node:path';
import { PostgresConcordanceStore } from '../../state/concordance-store-postgres.ts';
import { SqliteConcordanceStore } from '../../state/concordance-store-sqlite.ts';
import { makeTempDir } from '../integration/helpers/knowledge-fixtures.ts';
import { concordanceStoreContract } from './concordance-store.contract.ts';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('concordance stores (real SQLite file and real PostgreSQL)', () => {
  const temp = makeTempDir('concordance-store');
  after(() => temp.remove());
  concordanceStoreContract('SQLite', async () => new SqliteConcordanceStore(join(temp.path, 'concordance.sqlite')));
  concordanceStoreContract('PostgreSQL', async () => new PostgresConcordanceStore({ connectionString: DATABASE_URL, schema: 'passerelle_test_concordance' }));
});
