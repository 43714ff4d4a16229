import { existsSync, readFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { IDBDatabase as FakeDatabase, IDBFactory as FakeFactory } from 'fake-indexeddb';
import { PasserelleError } from "../../bots/errors.js";
import { databaseNames, restoreDatabase, snapshotDatabase } from "./idb-snapshot.js";
import { writePrivateFile } from "./secure-file.js";
/**
 * An in-memory IndexedDB (fake-indexeddb) made durable: restored from one file at start, and written back
 * (atomic write + rename, 0600) whenever a read-write transaction has committed — debounced, and always
 * before the next HTTP request leaves (`flushIfDirty`, called by the client's fetch), so that the server
 * never learns of a state (sync token acknowledged, one-time keys uploaded, to-device messages consumed)
 * that the disk does not hold yet. Only databases written since the last flush are read again.
 * See docs/decisions/matrix-crypto-store.md.
 */
const FORMAT = 'passerelle-indexeddb-snapshot';
const UNREADABLE_STORE = 'restaurez le magasin de clés Matrix depuis une sauvegarde ; à défaut, supprimez le dossier matrix/ (un nouvel appareil sera créé et les anciens messages chiffrés ne seront plus lisibles)';
const owners = new WeakMap();
let trackingInstalled = false;
/** Marks the owning store dirty when a read-write transaction of one of its connections commits. */
function installWriteTracking() {
    if (trackingInstalled)
        return;
    trackingInstalled = true;
    const prototype = FakeDatabase.prototype;
    const original = prototype.transaction;
    prototype.transaction = function transaction(...args) {
        const created = original.apply(this, args);
        const owner = owners.get(this);
        const mode = args[1];
        if (owner && (mode === 'readwrite' || mode === 'readwriteflush')) {
            const name = this.name;
            created.addEventListener('complete', () => owner.markDirty(name));
        }
        return created;
    };
}
/** A fake-indexeddb factory restored from, and flushed to, one snapshot file (see the module comment). */
export class PersistentIndexedDB {
    file;
    logger;
    debounceMs;
    /** The IndexedDB factory to give to the SDK and to the Rust crypto. */
    factory;
    dirty = new Set();
    cache = new Map();
    flushing = Promise.resolve();
    timer;
    closed = false;
    /** Number of snapshot files written (for tests and logs). */
    writes = 0;
    constructor(file, logger, debounceMs) {
        this.file = file;
        this.logger = logger;
        this.debounceMs = debounceMs;
        this.factory = new FakeFactory();
    }
    /** Opens the store: restores the file's databases, if any, into a fresh in-memory factory. */
    static async open(file, logger, options = {}) {
        installWriteTracking();
        const store = new PersistentIndexedDB(file, logger, options.debounceMs ?? 200);
        if (existsSync(file)) {
            const snapshots = readSnapshotFile(file);
            for (const [name, serialised] of snapshots) {
                if (options.keep && !options.keep(name))
                    continue;
                await restoreDatabase(store.factory, deserialize(serialised));
                store.cache.set(name, serialised);
            }
            logger.info('matrix crypto store restored', { file, databases: store.cache.size });
        }
        store.track();
        return store;
    }
    /** Records that a database changed; a flush follows shortly. */
    markDirty(name) {
        if (this.closed)
            return;
        this.dirty.add(name);
        if (this.timer)
            return;
        this.timer = setTimeout(() => {
            this.timer = undefined;
            this.flush().catch((error) => this.logger.error('matrix crypto store flush failed', { error }));
        }, this.debounceMs);
        this.timer.unref();
    }
    /** Writes pending changes (if any) and waits for a flush in progress. Called before every request. */
    flushIfDirty() {
        return this.dirty.size > 0 ? this.flush() : this.flushing;
    }
    /** Writes the snapshot file now (after any flush in progress). */
    flush() {
        const next = this.flushing.catch(() => undefined).then(() => this.write());
        this.flushing = next.catch(() => undefined);
        return next;
    }
    /** Final flush; later commits are no longer written. */
    async close() {
        if (this.timer)
            clearTimeout(this.timer);
        this.timer = undefined;
        await this.flush();
        this.closed = true;
    }
    track() {
        const factory = this.factory;
        const open = factory.open.bind(factory);
        factory.open = (name, version) => {
            const request = version === undefined ? open(name) : open(name, version);
            request.addEventListener('upgradeneeded', () => {
                owners.set(request.result, this);
                this.markDirty(name);
            });
            request.addEventListener('success', () => owners.set(request.result, this));
            return request;
        };
    }
    async write() {
        if (this.dirty.size === 0 && this.cache.size > 0)
            return;
        const dirty = new Set(this.dirty);
        this.dirty.clear();
        try {
            const names = await databaseNames(this.factory);
            for (const name of [...this.cache.keys()])
                if (!names.includes(name))
                    this.cache.delete(name);
            for (const name of names) {
                if (dirty.has(name) || !this.cache.has(name))
                    this.cache.set(name, serialize(await snapshotDatabase(this.factory, name)));
            }
            const file = { format: FORMAT, version: 1, savedAt: new Date().toISOString(), databases: [...this.cache.values()] };
            writePrivateFile(this.file, serialize(file));
            this.writes += 1;
        }
        catch (error) {
            for (const name of dirty)
                this.dirty.add(name);
            throw error;
        }
    }
}
/** Reads a snapshot file: database name → serialised snapshot. Throws on a file that is not one. */
function readSnapshotFile(file) {
    let parsed;
    try {
        parsed = deserialize(readFileSync(file));
    }
    catch (error) {
        throw new PasserelleError('FILE_UNREADABLE', { file, reason: UNREADABLE_STORE }, { cause: error });
    }
    if (parsed?.format !== FORMAT || !Array.isArray(parsed.databases))
        throw new PasserelleError('FILE_UNREADABLE', { file, reason: `format inconnu, ce n’est pas un magasin de clés Passerelle. ${UNREADABLE_STORE}` });
    const result = new Map();
    for (const serialised of parsed.databases) {
        const buffer = Buffer.from(serialised);
        const name = deserialize(buffer).name;
        result.set(name, buffer);
    }
    return result;
}
