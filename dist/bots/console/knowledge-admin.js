import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { CLASSIFICATIONS, isWithinCeiling } from "../../knowledge/types.js";
import { PasserelleError } from "../errors.js";
export class KnowledgeAdmin {
    deps;
    constructor(deps) {
        this.deps = deps;
    }
    get catalog() {
        return this.deps.catalog;
    }
    async bases() {
        return Promise.all(this.deps.catalog.bases.map(async (kb) => ({
            id: kb.id, name: kb.name, ceiling: kb.classificationCeiling,
            documents: (await this.deps.store.listDocuments(kb.id)).length, chunks: await this.deps.store.count(kb.id),
        })));
    }
    /** One page of a base's documents (by id), optionally filtered by a substring of id or source. */
    async documents(kb, options) {
        const id = this.deps.catalog.get(kb).id;
        const needle = options.filter?.trim().toLowerCase();
        const all = (await this.deps.store.listDocuments(id)).filter((record) => !needle || record.documentId.toLowerCase().includes(needle) || record.source.toLowerCase().includes(needle));
        const page = all.slice(options.page * options.size, (options.page + 1) * options.size);
        const [chunks, versions, failures] = await Promise.all([
            this.deps.store.getChunks(id, page.map((record) => `${record.documentId}#0`)),
            this.deps.ledger.documentVersions(id, page.map((record) => record.documentId)),
            this.deps.ledger.listFailures(id, 20),
        ]);
        const first = new Map(chunks.map((chunk) => [chunk.documentId, chunk]));
        const rows = page.map((record) => {
            const chunk = first.get(record.documentId);
            const version = versions.get(record.documentId);
            return {
                documentId: record.documentId, title: chunk?.title ?? record.documentId, source: record.source, chunks: record.chunkCount,
                ...(chunk ? { classification: chunk.classification } : {}), ...(version ? { version } : {}),
            };
        });
        return { total: all.length, rows, failures };
    }
    /** Puts uploaded files into a base, kept under the uploads folder as the documents' sources. */
    async upload(kb, files, classification) {
        const base = this.deps.catalog.get(kb);
        if (files.length === 0)
            throw new PasserelleError('FORM_INVALID', { problem: 'aucun fichier choisi' });
        const label = classification ? checkClassification(classification) : undefined;
        if (label && !isWithinCeiling(label, base.classificationCeiling)) {
            throw new PasserelleError('CLASSIFICATION_ABOVE_CEILING', { file: files.map((file) => file.name).join(', '), classification: label, ceiling: base.classificationCeiling, kb: base.id });
        }
        const folder = join(this.deps.uploadsDir, base.id);
        await mkdir(folder, { recursive: true, mode: 0o700 });
        const paths = [];
        for (const file of files) {
            const path = join(folder, safeName(file.name));
            await writeFile(path, file.bytes, { mode: 0o600 });
            paths.push(path);
        }
        const report = await this.deps.ingestion.ingest({ kb: base.id, ceiling: base.classificationCeiling }, paths, label ? { defaultClassification: label } : {});
        // A refused file is not a source: it is not kept.
        const refused = new Set(report.skipped.map((skipped) => skipped.file));
        await Promise.all(paths.filter((path) => refused.has(path)).map((path) => rm(path, { force: true })));
        await this.record(base.id, paths.filter((path) => !refused.has(path)), report);
        return { ...report, skipped: report.skipped.map((skipped) => ({ ...skipped, file: basename(skipped.file), message: skipped.message.replaceAll(folder + '/', '') })) };
    }
    /** Removes one document; an uploaded file left with no document is deleted too. */
    async remove(kb, documentId) {
        const record = await this.document(kb, documentId);
        await this.deps.store.deleteDocuments(kb, [documentId]);
        await this.deps.ledger.forgetDocuments(kb, [documentId]);
        const path = this.sourcePath(record.source);
        if (this.isUpload(path) && (await this.deps.store.listDocuments(kb, record.source)).length === 0)
            await rm(path, { force: true });
    }
    /** Reads the document's source file again (and every document it holds). */
    async reingest(kb, documentId) {
        const base = this.deps.catalog.get(kb);
        const record = await this.document(base.id, documentId);
        const path = this.sourcePath(record.source);
        if (!existsSync(path))
            throw new PasserelleError('SOURCE_FILE_MISSING', { file: record.source });
        const report = await this.deps.ingestion.ingest({ kb: base.id, ceiling: base.classificationCeiling }, [path], { defaultClassification: (await this.classificationOf(base.id, documentId)) ?? 'interne' });
        await this.record(base.id, [path], report);
        return report;
    }
    /** Machine-written drafts waiting for a curator (enrichment), by document id. */
    async enrichmentDrafts(kb) {
        const id = this.deps.catalog.get(kb).id;
        return this.deps.enrichment ? this.deps.enrichment.list(id, { status: 'draft' }) : [];
    }
    get enrichmentEnabled() {
        return this.deps.enrichment !== undefined;
    }
    /** Approves or deletes a draft (only a draft: entries already approved are not reviewed here), then re-indexes its document. */
    async reviewEnrichment(kb, documentId, decision) {
        const id = this.deps.catalog.get(kb).id;
        const store = this.deps.enrichment;
        const entry = await store?.get(id, documentId);
        if (!store || entry?.status !== 'draft')
            throw new PasserelleError('ENRICHMENT_ENTRY_NOT_FOUND', { id: documentId, kb: id });
        if (decision === 'reject')
            await store.remove(id, documentId);
        else
            await store.put(id, { ...entry, status: 'approved', updated_at: (this.deps.now?.() ?? new Date()).toISOString() });
        await this.deps.reindexEnrichment?.(id, [documentId]);
    }
    async document(kb, documentId) {
        const record = (await this.deps.store.listDocuments(this.deps.catalog.get(kb).id)).find((candidate) => candidate.documentId === documentId);
        if (!record)
            throw new PasserelleError('DOCUMENT_NOT_FOUND', { id: documentId, kb });
        return record;
    }
    async classificationOf(kb, documentId) {
        return (await this.deps.store.getChunks(kb, [`${documentId}#0`]))[0]?.classification;
    }
    /** The ledger: versions of the documents the files hold now, and the files refused. */
    async record(kb, paths, report) {
        const at = (this.deps.now?.() ?? new Date()).toISOString();
        for (const path of paths) {
            const records = await this.deps.store.listDocuments(kb, this.sourceId(path));
            await this.deps.ledger.recordSync(kb, records.map((record) => ({ documentId: record.documentId, contentHash: record.contentHash })), at);
        }
        await this.deps.ledger.recordFailures(report.skipped.map((skipped) => ({ kb, file: basename(skipped.file), code: skipped.code, message: skipped.message, at })));
    }
    /** As ingestion names sources: relative to the project root when inside it. */
    sourceId(path) {
        const inside = relative(this.deps.rootDir, path);
        return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
    }
    sourcePath(source) {
        return isAbsolute(source) ? source : resolve(this.deps.rootDir, source);
    }
    isUpload(path) {
        const inside = relative(resolve(this.deps.uploadsDir), path);
        return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
    }
}
function checkClassification(value) {
    const label = CLASSIFICATIONS.find((known) => known === value);
    if (!label)
        throw new PasserelleError('CLASSIFICATION_UNKNOWN', { label: value.slice(0, 40), known: CLASSIFICATIONS.join(', ') });
    return label;
}
/** A file name safe to write: no folders, no control characters, no leading dot; the extension kept. */
export function safeName(name) {
    const plain = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f<>:"|?*]/g, '_').replace(/^\.+/, '').slice(-120);
    return plain || 'fichier';
}
