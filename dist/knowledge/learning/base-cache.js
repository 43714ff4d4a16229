import { createHash } from 'node:crypto';
/**
 * Something computed from a whole base (quiz items, definitions), built on first use and built again when the
 * base's documents change — their ids and content hashes, looked at most every `recheckMs`. A failed build is
 * forgotten: the next call tries again.
 */
export class BaseCache {
    store;
    build;
    recheckMs;
    now;
    entries = new Map();
    constructor(store, build, recheckMs = 60_000, now = Date.now) {
        this.store = store;
        this.build = build;
        this.recheckMs = recheckMs;
        this.now = now;
    }
    async get(kb) {
        const cached = this.entries.get(kb);
        const next = (async () => {
            const previous = await cached?.catch(() => undefined);
            if (previous && this.now() - previous.checkedAt < this.recheckMs)
                return previous;
            const signature = await this.signature(kb);
            if (previous && previous.signature === signature)
                return { ...previous, checkedAt: this.now() };
            return { signature, checkedAt: this.now(), value: await this.build(kb) };
        })();
        this.entries.set(kb, next);
        next.catch(() => {
            if (this.entries.get(kb) === next)
                this.entries.delete(kb);
        });
        return (await next).value;
    }
    async signature(kb) {
        const documents = await this.store.listDocuments(kb);
        const hash = createHash('sha256');
        for (const record of [...documents].sort((a, b) => (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0)))
            hash.update(`${record.documentId}@${record.contentHash}\n`);
        return `${documents.length}:${hash.digest('hex')}`;
    }
}
