import { existsSync } from 'node:fs';
/** The base's configured sources that exist, else its examples folder. */
export async function ingestCatalogueSources(kb, ingestion, logger) {
    const present = kb.sources.filter((source) => existsSync(source.path) || !source.optional);
    const target = { kb: kb.id, ceiling: kb.classificationCeiling };
    if (present.length === 0) {
        if (!kb.examples)
            return { kb: kb.id, files: 0, added: 0, updated: 0, unchanged: 0, removed: 0, chunks: 0, skipped: [], warnings: [] };
        logger.info('no source present, ingesting examples', { kb: kb.id });
        return ingestion.ingest(target, [kb.examples], { defaultClassification: 'interne' });
    }
    const merged = { kb: kb.id, files: 0, added: 0, updated: 0, unchanged: 0, removed: 0, chunks: 0, skipped: [], warnings: [] };
    for (const source of present) {
        const report = await ingestion.ingest(target, [source.path], { defaultClassification: source.classification });
        merged.files += report.files;
        merged.added += report.added;
        merged.updated += report.updated;
        merged.unchanged += report.unchanged;
        merged.removed += report.removed;
        merged.chunks += report.chunks;
        merged.skipped.push(...report.skipped);
        merged.warnings.push(...report.warnings);
    }
    return merged;
}
