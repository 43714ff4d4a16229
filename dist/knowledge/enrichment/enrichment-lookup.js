import { chooseEntry } from "./enrichment.js";
/**
 * The entry that applies to a document: the curators' and machine entries of the base, then the shipped team
 * data; only entries written for the document's current text; the most authoritative one.
 */
export class EnrichmentLookup {
    shipped;
    written;
    indexDrafts;
    constructor(shipped, written, indexDrafts) {
        this.shipped = shipped;
        this.written = written;
        this.indexDrafts = indexDrafts;
    }
    async lookup(kb, documentId, hash) {
        const written = await this.written?.get(kb, documentId);
        return chooseEntry([written, this.shipped?.get(documentId)], hash, this.indexDrafts);
    }
}
