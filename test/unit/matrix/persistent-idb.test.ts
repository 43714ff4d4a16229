import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PasserelleError } from '../../../bots/errors.ts';
import { silentLogger } from '../../../bots/logger.ts';
import type { IdbDatabase, IdbFactory, IdbRequest } from '../../../adapters/matrix/idb-types.ts';
import { PersistentIndexedDB } from '../../../adapters/matrix/persistent-idb.ts';

function done<T>(request: IdbRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function open(factory: IdbFactory, name: string, version: number, upgrade: (db: IdbDatabase) => void = () => undefined): Promise<IdbDatabase> {
  const request = factory.open(name, version);
  request.onupgradeneeded = () => upgrade(request.result);
  return done(request);
}

async function put(db: IdbDatabase, store: string, value: unknown, key?: unknown): Promise<void> {
  const transaction = db.transaction([store], 'readwrite');
  await done(key === undefined ? transaction.objectStore(store).put(value) : transaction.objectStore(store).put(value, key));
  await new Promise<void>((resolve) => transaction.addEventListener('complete', () => resolve()));
}

async function getAll(db: IdbDatabase, store: string): Promise<unknown[]> {
  return done(db.transaction([store], 'readonly').objectStore(store).getAll());
}

describe('matrix: persistent IndexedDB (crypto and sync store)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-idb-'));
    file = join(dir, 'crypto-store.bin');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('restores schema and records (binary keys and values, Maps, indexes) after a restart', async () => {
    const first = await PersistentIndexedDB.open(file, silentLogger);
    const db = await open(first.factory, 'passerelle-DEV::matrix-sdk-crypto', 7, (created) => {
      const sessions = created.createObjectStore('inbound_group_sessions', { keyPath: 'id', autoIncrement: false });
      sessions.createIndex('by_room', 'room', { unique: false, multiEntry: false });
      created.createObjectStore('core', { keyPath: null, autoIncrement: false });
    });
    await put(db, 'inbound_group_sessions', { id: 's1', room: '!a:test', pickle: new Uint8Array([1, 2, 3]), meta: new Map([['k', 1]]) });
    await put(db, 'core', { account: new Uint8Array(32).fill(7) }, new Uint8Array([9, 9]));
    db.close();
    await first.close();
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const second = await PersistentIndexedDB.open(file, silentLogger);
    const restored = await open(second.factory, 'passerelle-DEV::matrix-sdk-crypto', 7);
    assert.equal(restored.version, 7);
    const [session] = (await getAll(restored, 'inbound_group_sessions')) as Array<{ pickle: Uint8Array; meta: Map<string, number> }>;
    assert.deepEqual([...session!.pickle], [1, 2, 3]);
    assert.equal(session!.meta.get('k'), 1);
    const transaction = restored.transaction(['inbound_group_sessions', 'core'], 'readonly');
    assert.equal(transaction.objectStore('inbound_group_sessions').index('by_room').unique, false);
    const keys = await done(transaction.objectStore('core').getAllKeys());
    assert.deepEqual(keys.map((key) => [...new Uint8Array(key as ArrayBuffer)]), [[9, 9]]);
    restored.close();
    await second.close();
  });

  it('writes after every committed read-write transaction, before the caller’s next request', async () => {
    const store = await PersistentIndexedDB.open(file, silentLogger, { debounceMs: 60_000 });
    const db = await open(store.factory, 'sync', 1, (created) => void created.createObjectStore('kv', { keyPath: null, autoIncrement: false }));
    await store.flushIfDirty();
    const writes = store.writes;
    await store.flushIfDirty();
    assert.equal(store.writes, writes, 'nothing to write when nothing changed');
    await put(db, 'kv', 'token-42', 'sync_token');
    await store.flushIfDirty();
    assert.equal(store.writes, writes + 1);
    db.close();
    const reopened = await PersistentIndexedDB.open(file, silentLogger);
    const again = await open(reopened.factory, 'sync', 1);
    assert.deepEqual(await getAll(again, 'kv'), ['token-42']);
    again.close();
    await reopened.close();
    await store.close();
    assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), []);
  });

  it('drops databases the caller does not keep (another device’s)', async () => {
    const first = await PersistentIndexedDB.open(file, silentLogger);
    for (const name of ['passerelle-OLD::matrix-sdk-crypto', 'passerelle-NEW::matrix-sdk-crypto']) (await open(first.factory, name, 1, (db) => void db.createObjectStore('s', { keyPath: null, autoIncrement: false }))).close();
    await first.close();
    const second = await PersistentIndexedDB.open(file, silentLogger, { keep: (name) => name.includes('NEW') });
    const names = (await second.factory.databases()).map((entry) => entry.name);
    assert.deepEqual(names, ['passerelle-NEW::matrix-sdk-crypto']);
    await second.close();
  });

  it('refuses an unreadable store instead of starting with an empty one', async () => {
    writeFileSync(file, 'not a snapshot');
    await assert.rejects(PersistentIndexedDB.open(file, silentLogger), (error: PasserelleError) => error.code === 'FILE_UNREADABLE' && /crypto-store\.bin est illisible : .*restaurez le magasin de clés Matrix/.test(error.userMessage));
    assert.ok(existsSync(file), 'the file is left for the administrator');
  });
});
