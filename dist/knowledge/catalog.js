import { PasserelleError } from "../bots/errors.js";
/** The knowledge-base catalogue from config: lookups and access checks. Routing reads it; it holds no logic of its own. */
export class KnowledgeCatalog {
    bases;
    byId;
    constructor(bases) {
        this.bases = bases;
        this.byId = new Map(bases.map((kb) => [kb.id, kb]));
    }
    get ids() {
        return this.bases.map((kb) => kb.id);
    }
    /** The base, or UNKNOWN_KNOWLEDGE_BASE. */
    get(id) {
        const kb = this.byId.get(id);
        if (!kb)
            throw new PasserelleError('UNKNOWN_KNOWLEDGE_BASE', { kb: id, available: this.ids.join(', ') });
        return kb;
    }
    has(id) {
        return this.byId.has(id);
    }
    /** Whether `userId` matches one of the base's access patterns (glob with `*`). */
    canAccess(id, userId) {
        return this.get(id).access.allow.some((pattern) => globToRegExp(pattern).test(userId));
    }
}
export function globToRegExp(pattern) {
    const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    return new RegExp(`^${escaped}$`, 'i');
}
