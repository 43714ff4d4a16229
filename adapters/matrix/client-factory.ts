import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as indexedDbGlobals from 'fake-indexeddb';
import { createClient, IndexedDBStore, type ICreateClientOpts, type MatrixClient } from 'matrix-js-sdk';
import { AllDevicesIsolationMode } from 'matrix-js-sdk/lib/crypto-api/index.js';
import { logger as globalSdkLogger } from 'matrix-js-sdk/lib/logger.js';
import { PasserelleError } from '../../bots/errors.ts';
import type { Logger } from '../../bots/logger.ts';
import { PersistentIndexedDB } from './persistent-idb.ts';
import { retryAfterGate } from './retry-after-gate.ts';
import { perRoomScheduler } from './send-queues.ts';
import { routeGlobalSdkLogger, sdkLogger } from './sdk-logger.ts';
import { writePrivateFile } from './secure-file.ts';
import type { MatrixSession } from './session.ts';

/**
 * Builds the bot's MatrixClient: durable IndexedDB (sync state and Rust crypto store) restored from the data
 * directory, a fetch that flushes that store before every request and honours any 429's delay, and Rust
 * crypto with an encrypted store and a trust policy that shares keys with unverified devices (agents'
 * devices are never verified).
 */

/** Snapshot of the IndexedDB databases (Rust crypto store and sync state), in the Matrix data directory. */
const CRYPTO_STORE_FILE = 'crypto-store.bin';
/** Random key encrypting the Rust crypto store (0600). */
const STORE_KEY_FILE = 'store-key';

/** The bot's client with its durable stores. */
export interface MatrixRuntime {
  client: MatrixClient;
  store: IndexedDBStore;
  persistence: PersistentIndexedDB;
}

/** What `createMatrixRuntime` needs. */
export interface RuntimeOptions {
  session: MatrixSession;
  dir: string;
  logger: Logger;
  cryptoCallbacks?: ICreateClientOpts['cryptoCallbacks'];
  /** Observes each HTTP exchange (path, status), e.g. to count real /sync responses. */
  onResponse?: (path: string, status: number) => void;
}

let cryptoInit: Promise<unknown> = Promise.resolve();

/** Creates the client, its stores and its Rust crypto; the client is not started. */
export async function createMatrixRuntime(options: RuntimeOptions): Promise<MatrixRuntime> {
  const { session, dir, logger } = options;
  installIndexedDbClasses();
  routeGlobalSdkLogger(logger, globalSdkLogger);
  const tag = `passerelle-${session.deviceId}`;
  const persistence = await PersistentIndexedDB.open(join(dir, CRYPTO_STORE_FILE), logger, { keep: (name) => name.includes(tag) });
  const store = new IndexedDBStore({ indexedDB: persistence.factory as never, dbName: `${tag}-sync` });
  const gated = retryAfterGate(fetch);
  const fetchFn: typeof fetch = async (input, init) => {
    await persistence.flushIfDirty();
    const response = await gated(input, init);
    options.onResponse?.(new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).pathname, response.status);
    return response;
  };
  const client = createClient({
    baseUrl: session.homeserverUrl,
    userId: session.userId,
    deviceId: session.deviceId,
    accessToken: session.accessToken,
    store,
    fetchFn,
    logger: sdkLogger(logger),
    scheduler: perRoomScheduler(),
    ...(options.cryptoCallbacks ? { cryptoCallbacks: options.cryptoCallbacks } : {}),
  });
  await store.startup();
  const storageKey = loadStoreKey(join(dir, STORE_KEY_FILE));
  // The Rust crypto opens its database through the global `indexedDB`: set it to this runtime's factory,
  // one initialisation at a time.
  const init = cryptoInit.then(async () => {
    (globalThis as { indexedDB?: unknown }).indexedDB = persistence.factory;
    await client.initRustCrypto({ cryptoDatabasePrefix: tag, storageKey });
  });
  cryptoInit = init.catch(() => undefined);
  await init;
  const crypto = client.getCrypto();
  if (!crypto) throw new Error('Rust crypto unavailable');
  crypto.globalBlacklistUnverifiedDevices = false;
  crypto.setDeviceIsolationMode(new AllDevicesIsolationMode(false));
  await persistence.flush();
  return { client, store, persistence };
}

/** The 32-byte key encrypting the Rust crypto store, created once (0600). */
function loadStoreKey(file: string): Uint8Array {
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new PasserelleError('FILE_UNREADABLE', { file, reason: 'clé du magasin de chiffrement invalide (32 octets en base64 attendus)' });
    return new Uint8Array(key);
  }
  const key = randomBytes(32);
  writePrivateFile(file, `${key.toString('base64')}\n`);
  return new Uint8Array(key);
}

/** The IndexedDB classes the Rust crypto checks with `instanceof` must be those of the factory it is given. */
function installIndexedDbClasses(): void {
  const target = globalThis as Record<string, unknown>;
  const classes: Record<string, unknown> = {
    IDBCursor: indexedDbGlobals.IDBCursor,
    IDBCursorWithValue: indexedDbGlobals.IDBCursorWithValue,
    IDBDatabase: indexedDbGlobals.IDBDatabase,
    IDBFactory: indexedDbGlobals.IDBFactory,
    IDBIndex: indexedDbGlobals.IDBIndex,
    IDBKeyRange: indexedDbGlobals.IDBKeyRange,
    IDBObjectStore: indexedDbGlobals.IDBObjectStore,
    IDBOpenDBRequest: indexedDbGlobals.IDBOpenDBRequest,
    IDBRequest: indexedDbGlobals.IDBRequest,
    IDBTransaction: indexedDbGlobals.IDBTransaction,
    IDBVersionChangeEvent: indexedDbGlobals.IDBVersionChangeEvent,
  };
  for (const [name, value] of Object.entries(classes)) {
    if (target[name] !== value) Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
  }
}
