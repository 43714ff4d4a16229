import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { KnowledgeCatalog } from '../../knowledge/catalog.ts';
import type { EnrichmentEntry } from '../../knowledge/enrichment/enrichment.ts';
import type { EnrichmentStore } from '../../knowledge/enrichment/enrichment-store.ts';
import type { IngestionService, IngestReport } from '../../knowledge/ingestion/ingestion-service.ts';
import type { VectorStore } from '../../knowledge/ports/vector-store.ts';
import { CLASSIFICATIONS, isWithinCeiling, type Classification } from '../../knowledge/types.ts';
import type { DocumentVersion, IngestionFailure, KnowledgeLedger } from '../../state/curation-store.ts';
import { PasserelleError } from '../errors.ts';

/**
 * The knowledge bases as the console shows and changes them: documents per base (classification, source,
 * version, last synchronisation), recent ingestion failures; files uploaded into a base go through the very
 * ingestion `passerelle ingest` uses (same loaders, classification ceiling, checks and French errors); a
 * document can be removed or re-ingested from its source; machine-written enrichment drafts are reviewed.
 */

export interface KnowledgeAdminDeps {
  catalog: KnowledgeCatalog;
  store: Pick<VectorStore, 'listDocuments' | 'getChunks' | 'deleteDocuments' | 'count'>;
  ingestion: Pick<IngestionService, 'ingest'>;
  ledger: KnowledgeLedger;
  /** The project root: relative document sources resolve against it (as ingestion records them). */
  rootDir: string;
  /** Where uploaded files are kept (they are the documents' sources: re-ingestion reads them again). */
  uploadsDir: string;
  /** Curators' and machine enrichment entries; absent when enrichment is off. */
  enrichment?: EnrichmentStore;
  /** Re-indexes documents whose enrichment entry changed. */
  reindexEnrichment?: (kb: string, documentIds: string[]) => Promise<number>;
  now?: () => Date;
}

export interface DocumentRow {
  documentId: string;
  title: string;
  source: string;
  classification?: Classification;
  chunks: number;
  version?: DocumentVersion;
}

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export class KnowledgeAdmin {
  constructor(private readonly deps: KnowledgeAdminDeps) {}

  get catalog(): KnowledgeCatalog {
    return this.deps.catalog;
  }

  async bases(): Promise<Array<{ id: string; name: string; ceiling: Classification; documents: number; chunks: number }>> {
    return Promise.all(
      this.deps.catalog.bases.map(async (kb) => ({
        id: kb.id, name: kb.name, ceiling: kb.classificationCeiling,
        documents: (await this.deps.store.listDocuments(kb.id)).length, chunks: await this.deps.store.count(kb.id),
      })),
    );
  }

  /** One page of a base's documents (by id), optionally filtered by a substring of id or source. */
  async documents(kb: string, options: { page: number; size: number; filter?: string }): Promise<{ total: number; rows: DocumentRow[]; failures: IngestionFailure[] }> {
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
  async upload(kb: string, files: readonly UploadedFile[], classification: string | undefined): Promise<IngestReport> {
    const base = this.deps.catalog.get(kb);
    if (files.length === 0) throw new PasserelleError('FORM_INVALID', { problem: 'aucun fichier choisi' });
    const label = classification ? checkClassification(classification) : undefined;
    if (label && !isWithinCeiling(label, base.classificationCeiling)) {
      throw new PasserelleError('CLASSIFICATION_ABOVE_CEILING', { file: files.map((file) => file.name).join(', '), classification: label, ceiling: base.classificationCeiling, kb: base.id });
    }
    const folder = join(this.deps.uploadsDir, base.id);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const paths: string[] = [];
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
  async remove(kb: string, documentId: string): Promise<void> {
    const record = await this.document(kb, documentId);
    await this.deps.store.deleteDocuments(kb, [documentId]);
    await this.deps.ledger.forgetDocuments(kb, [documentId]);
    const path = this.sourcePath(record.source);
    if (this.isUpload(path) && (await this.deps.store.listDocuments(kb, record.source)).length === 0) await rm(path, { force: true });
  }

  /** Reads the document's source file again (and every document it holds). */
  async reingest(kb: string, documentId: string): Promise<IngestReport> {
    const base = this.deps.catalog.get(kb);
    const record = await this.document(base.id, documentId);
    const path = this.sourcePath(record.source);
    if (!existsSync(path)) throw new PasserelleError('SOURCE_FILE_MISSING', { file: record.source });
    const report = await this.deps.ingestion.ingest({ kb: base.id, ceiling: base.classificationCeiling }, [path], { defaultClassification: (await this.classificationOf(base.id, documentId)) ?? 'interne' });
    await this.record(base.id, [path], report);
    return report;
  }

  /** Machine-written drafts waiting for a curator (enrichment), by document id. */
  async enrichmentDrafts(kb: string): Promise<EnrichmentEntry[]> {
    const id = this.deps.catalog.get(kb).id;
    return this.deps.enrichment ? this.deps.enrichment.list(id, { status: 'draft' }) : [];
  }

  get enrichmentEnabled(): boolean {
    return this.deps.enrichment !== undefined;
  }

  /** Approves or deletes a draft (only a draft: entries already approved are not reviewed here), then re-indexes its document. */
  async reviewEnrichment(kb: string, documentId: string, decision: 'approve' | 'reject'): Promise<void> {
    const id = this.deps.catalog.get(kb).id;
    const store = this.deps.enrichment;
    const entry = await store?.get(id, documentId);
    if (!store || entry?.status !== 'draft') throw new PasserelleError('ENRICHMENT_ENTRY_NOT_FOUND', { id: documentId, kb: id });
    if (decision === 'reject') await store.remove(id, documentId);
    else await store.put(id, { ...entry, status: 'approved', updated_at: (this.deps.now?.() ?? new Date()).toISOString() });
    await this.deps.reindexEnrichment?.(id, [documentId]);
  }

  private async document(kb: string, documentId: string) {
    const record = (await this.deps.store.listDocuments(this.deps.catalog.get(kb).id)).find((candidate) => candidate.documentId === documentId);
    if (!record) throw new PasserelleError('DOCUMENT_NOT_FOUND', { id: documentId, kb });
    return record;
  }

  private async classificationOf(kb: string, documentId: string): Promise<Classification | undefined> {
    return (await this.deps.store.getChunks(kb, [`${documentId}#0`]))[0]?.classification;
  }

  /** The ledger: versions of the documents the files hold now, and the files refused. */
  private async record(kb: string, paths: string[], report: IngestReport): Promise<void> {
    const at = (this.deps.now?.() ?? new Date()).toISOString();
    for (const path of paths) {
      const records = await this.deps.store.listDocuments(kb, this.sourceId(path));
      await this.deps.ledger.recordSync(kb, records.map((record) => ({ documentId: record.documentId, contentHash: record.contentHash })), at);
    }
    await this.deps.ledger.recordFailures(report.skipped.map((skipped) => ({ kb, file: basename(skipped.file), code: skipped.code, message: skipped.message, at })));
  }

  /** As ingestion names sources: relative to the project root when inside it. */
  private sourceId(path: string): string {
    const inside = relative(this.deps.rootDir, path);
    return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
  }

  private sourcePath(source: string): string {
    return isAbsolute(source) ? source : resolve(this.deps.rootDir, source);
  }

  private isUpload(path: string): boolean {
    const inside = relative(resolve(this.deps.uploadsDir), path);
    return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
  }
}

function checkClassification(value: string): Classification {
  const label = CLASSIFICATIONS.find((known) => known === value);
  if (!label) throw new PasserelleError('CLASSIFICATION_UNKNOWN', { label: value.slice(0, 40), known: CLASSIFICATIONS.join(', ') });
  return label;
}

/** A file name safe to write: no folders, no control characters, no leading dot; the extension kept. */
export function safeName(name: string): string {
  const plain = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f<>:"|?*]/g, '_').replace(/^\.+/, '').slice(-120);
  return plain || 'fichier';
}
