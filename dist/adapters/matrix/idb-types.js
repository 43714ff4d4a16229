/**
 * The subset of the IndexedDB API the crypto-store persistence uses. The project compiles without the DOM
 * library (its timer and fetch types clash with Node's), so these structural types stand in for
 * `IDBFactory` and friends; fake-indexeddb's objects satisfy them.
 */
export {};
