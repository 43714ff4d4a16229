import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnrichmentEntrySchema } from "./enrichment.js";
/**
 * The enrichment shipped with the project (`knowledge/enrichment/data/*.jsonl`): written and reviewed by the
 * team for the codes of the shared corpus, one entry per article. Read once, on first use.
 */
export const SHIPPED_ENRICHMENT_DIR = fileURLToPath(new URL('./data/', import.meta.url));
export class ShippedEnrichment {
    directory;
    entries;
    constructor(directory = SHIPPED_ENRICHMENT_DIR) {
        this.directory = directory;
    }
    get(documentId) {
        this.entries ??= readEntries(this.directory);
        return this.entries.get(documentId);
    }
    get size() {
        this.entries ??= readEntries(this.directory);
        return this.entries.size;
    }
}
/** Every valid entry of the folder's JSONL files; a malformed line is a defect of the shipped data and throws. */
export function readEntries(directory) {
    const entries = new Map();
    let files;
    try {
        files = readdirSync(directory).filter((name) => name.endsWith('.jsonl')).sort();
    }
    catch {
        return entries;
    }
    for (const file of files) {
        readFileSync(join(directory, file), 'utf8')
            .split('\n')
            .forEach((line, index) => {
            if (line.trim() === '')
                return;
            const parsed = EnrichmentEntrySchema.safeParse(JSON.parse(line));
            if (!parsed.success)
                throw new Error(`${file}:${index + 1}: invalid enrichment entry (${parsed.error.issues[0]?.message ?? 'format'})`);
            entries.set(parsed.data.id, parsed.data);
        });
    }
    return entries;
}
