/** The `inbound_turns` table (state/turn-journal.ts): state migration 5, and created by the journals themselves. */

/** SQLite. */
export const SQLITE_TURNS_TABLE = `CREATE TABLE IF NOT EXISTS inbound_turns (
  id TEXT PRIMARY KEY, channel TEXT NOT NULL, payload TEXT, owner TEXT NOT NULL, claimed_until INTEGER NOT NULL,
  attempts INTEGER NOT NULL, status TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS inbound_turns_pending ON inbound_turns (status, claimed_until);`;

/** PostgreSQL; `s` is the quoted schema followed by a dot. */
export const POSTGRES_TURNS_TABLE = (s: string): string => `CREATE TABLE IF NOT EXISTS ${s}inbound_turns (
  id text PRIMARY KEY, channel text NOT NULL, payload text, owner text NOT NULL, claimed_until timestamptz NOT NULL,
  attempts integer NOT NULL, status text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX IF NOT EXISTS inbound_turns_pending ON ${s}inbound_turns (status, claimed_until);`;

