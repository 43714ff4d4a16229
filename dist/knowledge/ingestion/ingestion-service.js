import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { PasserelleError, toPasserelleError } from "../../bots/errors.js";
import { isWithinCeiling } from "../types.js";
import { textHash, toDocumentEnrichment } from "../enrichment/enrichment.js";
import { sha256 } from "./loaders/loader.js";
import { chunkDocument } from "./chunker.js";
import { loaderFor, SUPPORTED_EXTENSIONS } from "./loaders/loader-registry.js";
export class IngestionService {
    store;
    encoder;
    embedding;
    settings;
    constructor(store, encoder, embedding, settings) {
        this.store = store;
        this.encoder = encoder;
        this.embedding = embedding;
        this.settings = settings;
    }
    async ingest(target, paths, options = {}) {
        const report = { kb: target.kb, files: 0, added: 0, updated: 0, unchanged: 0, removed: 0, chunks: 0, skipped: [], warnings: [] };
        await this.store.ensureBase(target.kb, this.embedding?.dimensions);
        for (const path of paths) {
            for (const file of await this.expand({ path: resolve(path), shown: path }, report)) {
                report.files++;
                try {
                    await this.ingestFile(target, file, options.defaultClassification ?? 'interne', report);
                }
                catch (error) {
                    const failure = toPasserelleError(error);
                    if (!failure.retryable && failure.code !== 'INTERNAL' && failure.code !== 'STORE_DIMENSION_MISMATCH') {
                        report.skipped.push({ file: file.shown, code: failure.code, message: failure.userMessage });
                    }
                    else {
                        throw failure;
                    }
                }
            }
        }
        return report;
    }
    /** Removes every document that came from `path` (a file or a folder). Returns the number removed. */
    async removeSource(kb, path) {
        const source = this.sourceId(resolve(path));
        const documents = (await this.store.listDocuments(kb)).filter((document) => document.source === source || document.source.startsWith(`${source}/`));
        await this.store.deleteDocuments(kb, documents.map((document) => document.documentId));
        return documents.length;
    }
    async ingestFile(target, { path: file, shown: displayName }, fallback, report) {
        const loader = loaderFor(file);
        if (!loader)
            throw new PasserelleError('FILE_UNSUPPORTED', { file: displayName, formats: SUPPORTED_EXTENSIONS.join(', ') });
        const info = await stat(file);
        if (info.size === 0)
            throw new PasserelleError('FILE_EMPTY', { file: displayName });
        if (info.size > this.settings.maxFileBytes) {
            throw new PasserelleError('FILE_TOO_LARGE', { file: displayName, size: info.size, max: this.settings.maxFileBytes });
        }
        let bytes;
        try {
            bytes = await readFile(file);
        }
        catch (error) {
            throw new PasserelleError('FILE_UNREADABLE', { file: displayName, reason: error.code ?? 'erreur de lecture' }, { cause: error });
        }
        const source = this.sourceId(file);
        const loaded = await loader(bytes, { source, displayName, defaultClassification: fallback });
        for (const warning of loaded.warnings) {
            report.warnings.push({ file: displayName, ...(warning.line ? { line: warning.line } : {}), message: warning.reason });
        }
        const accepted = [];
        for (const document of loaded.documents) {
            if (isWithinCeiling(document.classification, target.ceiling))
                accepted.push(document);
            else if (loaded.documents.length === 1) {
                throw new PasserelleError('CLASSIFICATION_ABOVE_CEILING', { file: displayName, classification: document.classification, ceiling: target.ceiling, kb: target.kb });
            }
            else {
                report.warnings.push({ file: displayName, message: `« ${document.documentId} » (${document.classification}) dépasse le plafond « ${target.ceiling} » : ignoré` });
            }
        }
        // Records read but refused (interdit IA) must leave the base; any other warning means a partial read.
        const refused = new Set(loaded.warnings.flatMap((warning) => (warning.documentId ? [warning.documentId] : [])));
        const partial = loaded.warnings.some((warning) => !warning.documentId);
        if (accepted.length === 0 && loaded.documents.length === 0 && refused.size === 0 && loaded.warnings.length > 0) {
            throw new PasserelleError('FILE_UNREADABLE', { file: displayName, reason: 'aucun enregistrement valide' });
        }
        for (const document of accepted)
            await this.enrich(target.kb, document);
        const existing = new Map((await this.store.listDocuments(target.kb, source)).map((record) => [record.documentId, record]));
        const changed = [];
        for (const document of accepted) {
            const previous = existing.get(document.documentId);
            existing.delete(document.documentId);
            if (previous?.contentHash === document.contentHash)
                report.unchanged++;
            else {
                changed.push(document);
                if (previous)
                    report.updated++;
                else
                    report.added++;
            }
        }
        // Documents no longer in a cleanly read source are gone; after a partial read only refused ones are removed.
        const gone = partial ? [...existing.keys()].filter((documentId) => refused.has(documentId)) : [...existing.keys()];
        await this.store.deleteDocuments(target.kb, [...gone, ...changed.map((document) => document.documentId)]);
        report.removed += gone.length;
        report.chunks += await this.write(target.kb, changed);
    }
    /**
     * Attaches the enrichment entry written for this very text, if any. The document's hash then covers the entry
     * too, so an entry added, edited or approved re-indexes the document on the next ingestion, and only it.
     */
    async enrich(kb, document) {
        const entry = await this.settings.enrichment?.lookup(kb, document.documentId, textHash(document.text));
        if (!entry)
            return;
        document.enrichment = toDocumentEnrichment(entry);
        document.contentHash = sha256(`${document.contentHash}\n${JSON.stringify(document.enrichment)}`);
    }
    async write(kb, documents) {
        const batchSize = this.store.maxUpsertBatch;
        let pending = [];
        let records = [];
        let written = 0;
        const flush = async () => {
            if (pending.length === 0)
                return;
            await this.embed(pending);
            await this.store.upsert(kb, pending, records);
            written += pending.length;
            pending = [];
            records = [];
        };
        for (const document of documents) {
            const chunks = chunkDocument(document, kb, this.settings.maxChunkChars);
            if (pending.length + chunks.length > batchSize)
                await flush();
            pending.push(...chunks.map((chunk) => ({ chunk, sparse: this.encoder.encodeDocument(documentFields(chunk)) })));
            records.push({ kb, documentId: document.documentId, source: document.source, contentHash: document.contentHash, chunkCount: chunks.length });
        }
        await flush();
        return written;
    }
    async embed(entries) {
        if (!this.embedding)
            return;
        const cleared = entries.filter((entry) => isWithinCeiling(entry.chunk.classification, this.settings.embedderCeiling));
        const vectors = await this.embedding.embedAll(cleared.map((entry) => embeddingText(entry.chunk)));
        cleared.forEach((entry, index) => {
            const vector = vectors[index];
            if (vector)
                entry.dense = vector;
        });
    }
    /** The files under a path, each named as the user typed its path (a folder's files as `typed/child`). */
    async expand(target, report) {
        let info;
        try {
            info = await stat(target.path);
        }
        catch {
            // A path named but absent counts as a failed file, so that "every file failed" stays true to the batch.
            report.files++;
            report.skipped.push({ file: target.shown, code: 'PATH_NOT_FOUND', message: new PasserelleError('PATH_NOT_FOUND', { path: target.shown }).userMessage });
            return [];
        }
        if (info.isFile())
            return [target];
        if (!info.isDirectory()) {
            // A FIFO, socket or device named explicitly: reading it could block; report it rather than ignore it.
            report.files++;
            const file = target.shown;
            report.skipped.push({ file, code: 'FILE_UNREADABLE', message: new PasserelleError('FILE_UNREADABLE', { file, reason: 'ce n’est pas un fichier ordinaire' }).userMessage });
            return [];
        }
        const files = [];
        const entries = await readdir(target.path, { withFileTypes: true });
        for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
            if (entry.name.startsWith('.'))
                continue;
            const child = { path: join(target.path, entry.name), shown: join(target.shown, entry.name) };
            if (entry.isDirectory())
                files.push(...(await this.expand(child, report)));
            else if (entry.isFile())
                files.push(child);
        }
        return files;
    }
    sourceId(file) {
        const inside = relative(this.settings.rootDir, file);
        return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
    }
}
/** The fields the sparse encoder weighs: headings say what a chunk is about; the enrichment, how agents ask. */
export function documentFields(chunk) {
    const headings = [...chunk.headingPath, chunk.kind === 'article' ? '' : chunk.title, chunk.section ?? ''].filter(Boolean).join('\n');
    return { headings, body: chunk.text, ...(chunk.enrichment ? { enrichment: chunk.enrichment.text } : {}) };
}
/** What the embedder reads of a chunk. */
export function embeddingText(chunk) {
    return [chunk.title, ...chunk.headingPath, chunk.section ?? '', chunk.text, chunk.enrichment?.text ?? ''].filter(Boolean).join('\n');
}
