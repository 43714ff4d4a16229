import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteVectorStore } from '../../knowledge/stores/embedded/sqlite-vector-store.ts';
import { vectorStoreContract } from './vector-store.contract.ts';

const directory = mkdtempSync(join(tmpdir(), 'passerelle-store-'));
after(() => rmSync(directory, { recursive: true, force: true }));

vectorStoreContract('embedded (SQLite + sqlite-vec, on disk)', async () => new SqliteVectorStore(join(directory, 'knowledge.sqlite')));
vectorStoreContract('embedded (in memory)', async () => new SqliteVectorStore(':memory:'));
