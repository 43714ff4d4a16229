import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresAnnouncementStore } from '../../state/announcement-store-postgres.ts';
import { SqliteAnnouncementStore } from '../../state/announcement-store-sqlite.ts';
import { SqliteStateStore } from '../../state/sqlite-state-store.ts';
import { announcementStoreContract } from './announcement-store.contract.ts';

const directory = mkdtempSync(join(tmpdir(), 'passerelle-announcements-'));
after(() => rmSync(directory, { recursive: true, force: true }));
const file = join(directory, 'nested', 'state.sqlite');

announcementStoreContract('SQLite (file)', async () => new SqliteAnnouncementStore(file), async () => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
});

describe('SQLite announcement store specifics', () => {
  it('shares the state file with the state store (two connections, WAL)', async () => {
    const shared = join(directory, 'shared.sqlite');
    const state = new SqliteStateStore(shared);
    const announcements = new SqliteAnnouncementStore(shared);
    try {
      await state.markNotified('u');
      await announcements.createAnnouncement({ id: 'SHARED01', audience: 'tous', markdown: 'x', createdBy: 'api', origin: 'api', createdAt: new Date().toISOString(), status: 'draft' }, []);
      const again = new SqliteAnnouncementStore(shared);
      assert.equal((await again.getAnnouncement('SHARED01'))?.markdown, 'x');
      await again.close();
      assert.equal(await state.markNotified('u'), false);
    } finally {
      await Promise.all([state.close(), announcements.close()]);
    }
  });
});

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `passerelle_ann_${randomBytes(4).toString('hex')}`;

describe('PostgreSQL announcement store', function () {
  this.timeout(30_000);
  let admin: pg.Pool | undefined;
  before(async () => {
    admin = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 5_000 });
    admin.on('error', () => undefined);
    await admin.query('SELECT 1').catch((error: unknown) => {
      throw new Error(`PostgreSQL is unreachable at ${databaseUrl} (${String(error)}): these tests need it (CI provides it).`);
    });
  });
  after(async () => {
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
  });

  announcementStoreContract(
    `PostgreSQL (schema ${schema})`,
    () => PostgresAnnouncementStore.open({ connectionString: databaseUrl, schema }),
    async () => {
      await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  );

  it('stores addresses as jsonb and times as timestamptz', async () => {
    const store = await PostgresAnnouncementStore.open({ connectionString: databaseUrl, schema });
    await store.close();
    const { rows } = await admin!.query<{ table_name: string; column_name: string; data_type: string }>(
      'SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1',
      [schema],
    );
    const type = (table: string, column: string) => rows.find((r) => r.table_name === table && r.column_name === column)?.data_type;
    assert.equal(type('announcement_recipients', 'address'), 'jsonb');
    assert.equal(type('announcements', 'notify'), 'jsonb');
    assert.equal(type('announcements', 'scheduled_at'), 'timestamp with time zone');
    assert.equal(type('announcement_recipients', 'updated_at'), 'timestamp with time zone');
  });
});
