/**
 * The subset of the IndexedDB API the crypto-store persistence uses. The project compiles without the DOM
 * library (its timer and fetch types clash with Node's), so these structural types stand in for
 * `IDBFactory` and friends; fake-indexeddb's objects satisfy them.
 */

/** An IndexedDB key (string, number, Date, binary or array of those). */
export type IdbKey = unknown;

/** An IndexedDB request. */
export interface IdbRequest<T> {
  readonly result: T;
  readonly error: unknown;
  onsuccess: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  addEventListener(type: string, listener: (event: unknown) => void): void;
}

/** The request of `IDBFactory.open`. */
export interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: ((event: unknown) => void) | null;
  onblocked: ((event: unknown) => void) | null;
}

/** An object-store index. */
export interface IdbIndex {
  readonly keyPath: string | string[];
  readonly unique: boolean;
  readonly multiEntry: boolean;
}

/** An object store, within a transaction. */
export interface IdbObjectStore {
  readonly keyPath: string | string[] | null;
  readonly autoIncrement: boolean;
  readonly indexNames: Iterable<string>;
  index(name: string): IdbIndex;
  getAll(): IdbRequest<unknown[]>;
  getAllKeys(): IdbRequest<IdbKey[]>;
  put(value: unknown, key?: IdbKey): IdbRequest<IdbKey>;
  createIndex(name: string, keyPath: string | string[], options: { unique: boolean; multiEntry: boolean }): IdbIndex;
}

/** A transaction. */
export interface IdbTransaction {
  objectStore(name: string): IdbObjectStore;
  addEventListener(type: 'complete' | 'abort' | 'error', listener: () => void): void;
}

/** An open database connection. */
export interface IdbDatabase {
  readonly name: string;
  readonly version: number;
  readonly objectStoreNames: Iterable<string>;
  onversionchange: ((event: unknown) => void) | null;
  transaction(names: string | string[], mode?: string): IdbTransaction;
  createObjectStore(name: string, options: { keyPath: string | string[] | null; autoIncrement: boolean }): IdbObjectStore;
  close(): void;
}

/** The `indexedDB` factory. */
export interface IdbFactory {
  open(name: string, version?: number): IdbOpenRequest;
  databases(): Promise<Array<{ name?: string; version?: number }>>;
}
