import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { PostgresStateStore } from '../state/postgres-state-store.ts';
import { SqliteStateStore } from '../state/sqlite-state-store.ts';
import type { StateStore } from '../state/state-store.ts';

/** The state store: PostgreSQL when configured, else `state.sqlite` in the data folder. */
export async function createStateStore(config: Readonly<Config>): Promise<StateStore> {
  if (config.state.kind === 'postgres') return PostgresStateStore.open({ connectionString: config.state.databaseUrl as string });
  return new SqliteStateStore(join(config.dataDir, 'state.sqlite'));
}
