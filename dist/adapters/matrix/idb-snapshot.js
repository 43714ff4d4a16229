function promised(request) {
    return new Promise((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
    });
}
function openExisting(factory, name) {
    return new Promise((resolve, reject) => {
        const request = factory.open(name);
        request.onsuccess = () => {
            const db = request.result;
            db.onversionchange = () => db.close();
            resolve(db);
        };
        request.onerror = () => reject(request.error ?? new Error(`cannot open ${name}`));
        request.onblocked = () => reject(new Error(`opening ${name} is blocked`));
    });
}
/** Reads one database entirely. */
export async function snapshotDatabase(factory, name) {
    const db = await openExisting(factory, name);
    try {
        const names = [...db.objectStoreNames];
        const stores = [];
        if (names.length > 0) {
            const transaction = db.transaction(names, 'readonly');
            const reads = names.map(async (storeName) => {
                const store = transaction.objectStore(storeName);
                const [keys, values] = await Promise.all([promised(store.getAllKeys()), promised(store.getAll())]);
                const indexes = [...store.indexNames].map((indexName) => {
                    const index = store.index(indexName);
                    return { name: indexName, keyPath: index.keyPath, unique: index.unique, multiEntry: index.multiEntry };
                });
                return { name: storeName, keyPath: store.keyPath, autoIncrement: store.autoIncrement, indexes, records: keys.map((key, i) => [key, values[i]]) };
            });
            stores.push(...(await Promise.all(reads)));
        }
        return { name, version: db.version, stores };
    }
    finally {
        db.close();
    }
}
/** Names of the databases a factory holds. */
export async function databaseNames(factory) {
    const list = await factory.databases();
    return list.map((entry) => entry.name).filter((name) => typeof name === 'string');
}
/** Recreates a database (which must not exist yet) from its snapshot. */
export function restoreDatabase(factory, snapshot) {
    return new Promise((resolve, reject) => {
        const request = factory.open(snapshot.name, Math.max(1, snapshot.version));
        request.onupgradeneeded = () => {
            const db = request.result;
            for (const store of snapshot.stores) {
                const objectStore = db.createObjectStore(store.name, { keyPath: store.keyPath, autoIncrement: store.autoIncrement });
                for (const index of store.indexes)
                    objectStore.createIndex(index.name, index.keyPath, { unique: index.unique, multiEntry: index.multiEntry });
                for (const [key, value] of store.records) {
                    if (store.keyPath === null)
                        objectStore.put(value, key);
                    else
                        objectStore.put(value);
                }
            }
        };
        request.onsuccess = () => {
            request.result.close();
            resolve();
        };
        request.onerror = () => reject(request.error ?? new Error(`cannot restore ${snapshot.name}`));
        request.onblocked = () => reject(new Error(`restoring ${snapshot.name} is blocked`));
    });
}
