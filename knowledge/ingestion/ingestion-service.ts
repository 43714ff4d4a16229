import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { PasserelleError, toPasserelleError } from '../../bots/errors.ts';
import type { DocumentFields, SparseEncoder } from '../analysis/sparse-encoder.ts';
import type { EmbeddingService } from '../embedding-service.ts';
import type { VectorStore } from '../ports/vector-store.ts';
import { isWithinCeiling, type Chunk, type Classification, type DocumentRecord, type IndexedChunk, type SourceDocument } from '../types.ts';
import { textHash, toDocumentEnrichment, type EnrichmentSource } from '../enrichment/enrichment.ts';
import { sha256 } from './loaders/loader.ts';
import { findInstructions } from '../policies/instruction-injection.ts';
import { chunkDocument } from './chunker.ts';
import { reconcileVersions } from '../versions/reconcile-versions.ts';
import { loaderFor, SUPPORTED_EXTENSIONS } from './loaders/loader-registry.ts';
import { readSyncedArticleIds, type ArticleIdLookup } from './loaders/legifrance-links.ts';

/**
 * Puts files into a knowledge base. Idempotent: a document whose content hash is unchanged is left alone;
 * a changed one replaces its old chunks; documents gone from a cleanly re-read source are removed. A bad
 * file is reported by name with its reason and skipped, and the rest of the batch goes in.
 */

export interface IngestTarget {
  kb: string;
  /** Highest classification the base accepts. */
  ceiling: Classification;
}

export interface IngestOptions {
  /** Label for documents that carry none. Default "interne". */
  defaultClassification?: Classification;
}

export interface SkippedFile {
  file: string;
  code: string;
  message: string;
}

export interface IngestWarning {
  file: string;
  line?: number;
  message: string;
}

/** A passage that reads like an instruction to an AI assistant (prompt injection suspected). */
export interface InstructionLikePassage {
  file: string;
  documentId: string;
  chunkId: string;
  /** The first instruction-like phrase found. */
  phrase: string;
}

export interface IngestReport {
  kb: string;
  files: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  chunks: number;
  skipped: SkippedFile[];
  warnings: IngestWarning[];
  /** Passages flagged as instruction-like in this run (written or re-written), kept out of the model's context. */
  instructionLike: InstructionLikePassage[];
  /** Articles whose versions were re-dated against each other (a newer version closing an older one). */
  redated?: number;
}

export interface IngestionSettings {
  rootDir: string;
  maxFileBytes: number;
  maxChunkChars: number;
  /** Highest classification the embedder may receive; chunks above it are indexed lexically only. */
  embedderCeiling: Classification;
  /** Where agents' wording for documents is found (shipped team data, curators' and machine entries). */
  enrichment?: EnrichmentSource;
  /** The mirror files `passerelle sync` writes (`<data>/sync/legi`): article ids for code records that carry none. */
  syncedArticlesDir?: string;
}

/** A file's absolute path and the name the user knows it by (the path as typed). */
interface NamedPath {
  path: string;
  shown: string;
}

export class IngestionService {
  constructor(
    private readonly store: VectorStore,
    private readonly encoder: SparseEncoder,
    private readonly embedding: EmbeddingService | undefined,
    private readonly settings: IngestionSettings,
  ) {}

  async ingest(target: IngestTarget, paths: string[], options: IngestOptions = {}): Promise<IngestReport> {
    const report: IngestReport = { kb: target.kb, files: 0, added: 0, updated: 0, unchanged: 0, removed: 0, chunks: 0, skipped: [], warnings: [], instructionLike: [] };
    // Chunks must not be stored without their vectors: a service down is probed now, and the ingestion stops if it still is.
    await this.embedding?.ensureAvailable();
    await this.store.ensureBase(target.kb, this.embedding?.dimensions);
    const versioned = { codes: new Set<string>(), all: false };
    // Read once per run: the sync writes these files between runs, never during one.
    const articleIds = this.settings.syncedArticlesDir ? readSyncedArticleIds(this.settings.syncedArticlesDir) : undefined;
    for (const path of paths) {
      for (const file of await this.expand({ path: resolve(path), shown: path }, report)) {
        report.files++;
        try {
          await this.ingestFile(target, file, options.defaultClassification ?? 'interne', report, versioned, articleIds);
        } catch (error) {
          const failure = toPasserelleError(error);
          if (!failure.retryable && failure.code !== 'INTERNAL' && failure.code !== 'STORE_DIMENSION_MISMATCH') {
            report.skipped.push({ file: file.shown, code: failure.code, message: failure.userMessage });
          } else {
            throw failure;
          }
        }
      }
    }
    if (versioned.all || versioned.codes.size > 0) {
      const reconciled = await reconcileVersions(this.store, target.kb, versioned.all ? undefined : versioned.codes);
      if (reconciled.updated > 0) report.redated = reconciled.updated;
    }
    // Last, after every write of this ingestion (re-dating versions bumps the base's generation, which drops a
    // snapshot taken before it): the index a starting process loads instead of rebuilding it.
    await this.store.prepare?.(target.kb);
    return report;
  }

  /** Removes every document that came from `path` (a file or a folder). Returns the number removed. */
  async removeSource(kb: string, path: string): Promise<number> {
    const source = this.sourceId(resolve(path));
    const documents = (await this.store.listDocuments(kb)).filter(
      (document) => document.source === source || document.source.startsWith(`${source}/`),
    );
    await this.store.deleteDocuments(kb, documents.map((document) => document.documentId));
    // A version removed may reopen the one it had closed.
    if (documents.length > 0) await reconcileVersions(this.store, kb);
    return documents.length;
  }

  private async ingestFile(target: IngestTarget, { path: file, shown: displayName }: NamedPath, fallback: Classification, report: IngestReport, versioned: { codes: Set<string>; all: boolean }, articleIds?: ArticleIdLookup): Promise<void> {
    const loader = loaderFor(file);
    if (!loader) throw new PasserelleError('FILE_UNSUPPORTED', { file: displayName, formats: SUPPORTED_EXTENSIONS.join(', ') });
    const info = await stat(file);
    if (info.size === 0) throw new PasserelleError('FILE_EMPTY', { file: displayName });
    if (info.size > this.settings.maxFileBytes) {
      throw new PasserelleError('FILE_TOO_LARGE', { file: displayName, size: info.size, max: this.settings.maxFileBytes });
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new PasserelleError('FILE_UNREADABLE', { file: displayName, reason: (error as NodeJS.ErrnoException).code ?? 'erreur de lecture' }, { cause: error });
    }
    const source = this.sourceId(file);
    const loaded = await loader(bytes, { source, displayName, defaultClassification: fallback, ...(articleIds ? { articleIds } : {}) });
    for (const warning of loaded.warnings) {
      report.warnings.push({ file: displayName, ...(warning.line ? { line: warning.line } : {}), message: warning.reason });
    }
    const accepted: SourceDocument[] = [];
    for (const document of loaded.documents) {
      if (isWithinCeiling(document.classification, target.ceiling)) accepted.push(document);
      else if (loaded.documents.length === 1) {
        throw new PasserelleError('CLASSIFICATION_ABOVE_CEILING', { file: displayName, classification: document.classification, ceiling: target.ceiling, kb: target.kb });
      } else {
        report.warnings.push({ file: displayName, message: `« ${document.documentId} » (${document.classification}) dépasse le plafond « ${target.ceiling} » : ignoré` });
      }
    }
    // Records read but refused (interdit IA) must leave the base; any other warning means a partial read.
    const refused = new Set(loaded.warnings.flatMap((warning) => (warning.documentId ? [warning.documentId] : [])));
    const partial = loaded.warnings.some((warning) => !warning.documentId);
    if (accepted.length === 0 && loaded.documents.length === 0 && refused.size === 0 && loaded.warnings.length > 0) {
      throw new PasserelleError('FILE_UNREADABLE', { file: displayName, reason: 'aucun enregistrement valide' });
    }

    for (const document of accepted) await this.enrich(target.kb, document);
    const existing = new Map((await this.store.listDocuments(target.kb, source)).map((record) => [record.documentId, record]));
    const changed: SourceDocument[] = [];
    for (const document of accepted) {
      const previous = existing.get(document.documentId);
      existing.delete(document.documentId);
      if (previous?.contentHash === document.contentHash) report.unchanged++;
      else {
        changed.push(document);
        if (previous) report.updated++;
        else report.added++;
      }
    }
    // Documents no longer in a cleanly read source are gone; after a partial read only refused ones are removed.
    const gone = partial ? [...existing.keys()].filter((documentId) => refused.has(documentId)) : [...existing.keys()];
    await this.store.deleteDocuments(target.kb, [...gone, ...changed.map((document) => document.documentId)]);
    report.removed += gone.length;
    for (const document of changed) if (document.article?.identity) versioned.codes.add(document.article.code);
    if (gone.length > 0) versioned.all = true;
    report.chunks += await this.write(target.kb, changed, (chunk, phrases) => {
      report.instructionLike.push({ file: displayName, documentId: chunk.documentId, chunkId: chunk.id, phrase: phrases[0] ?? '' });
    });
  }

  /**
   * Attaches the enrichment entry written for this very text, if any. The document's hash then covers the entry
   * too, so an entry added, edited or approved re-indexes the document on the next ingestion, and only it.
   */
  private async enrich(kb: string, document: SourceDocument): Promise<void> {
    const entry = await this.settings.enrichment?.lookup(kb, document.documentId, textHash(document.text));
    if (!entry) return;
    document.enrichment = toDocumentEnrichment(entry);
    document.contentHash = sha256(`${document.contentHash}\n${JSON.stringify(document.enrichment)}`);
  }

  private async write(kb: string, documents: SourceDocument[], onInstructionLike: (chunk: Chunk, phrases: string[]) => void): Promise<number> {
    const batchSize = this.store.maxUpsertBatch;
    let pending: IndexedChunk[] = [];
    let records: DocumentRecord[] = [];
    let written = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      await this.embed(pending);
      await this.store.upsert(kb, pending, records);
      written += pending.length;
      pending = [];
      records = [];
    };
    for (const document of documents) {
      const chunks = chunkDocument(document, kb, this.settings.maxChunkChars);
      for (const chunk of chunks) flagInstructions(chunk, onInstructionLike);
      if (pending.length + chunks.length > batchSize) await flush();
      pending.push(...chunks.map((chunk) => ({ chunk, sparse: this.encoder.encodeDocument(documentFields(chunk)) })));
      records.push({ kb, documentId: document.documentId, source: document.source, contentHash: document.contentHash, chunkCount: chunks.length });
    }
    await flush();
    return written;
  }

  private async embed(entries: IndexedChunk[]): Promise<void> {
    if (!this.embedding) return;
    const cleared = entries.filter((entry) => isWithinCeiling(entry.chunk.classification, this.settings.embedderCeiling));
    const vectors = await this.embedding.embedAll(cleared.map((entry) => embeddingText(entry.chunk)));
    cleared.forEach((entry, index) => {
      const vector = vectors[index];
      if (vector) entry.dense = vector;
    });
  }

  /** The files under a path, each named as the user typed its path (a folder's files as `typed/child`). */
  private async expand(target: NamedPath, report: IngestReport): Promise<NamedPath[]> {
    let info;
    try {
      info = await stat(target.path);
    } catch {
      // A path named but absent counts as a failed file, so that "every file failed" stays true to the batch.
      report.files++;
      report.skipped.push({ file: target.shown, code: 'PATH_NOT_FOUND', message: new PasserelleError('PATH_NOT_FOUND', { path: target.shown }).userMessage });
      return [];
    }
    if (info.isFile()) return [target];
    if (!info.isDirectory()) {
      // A FIFO, socket or device named explicitly: reading it could block; report it rather than ignore it.
      report.files++;
      const file = target.shown;
      report.skipped.push({ file, code: 'FILE_UNREADABLE', message: new PasserelleError('FILE_UNREADABLE', { file, reason: 'ce n’est pas un fichier ordinaire' }).userMessage });
      return [];
    }
    const files: NamedPath[] = [];
    const entries = await readdir(target.path, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const child = { path: join(target.path, entry.name), shown: join(target.shown, entry.name) };
      if (entry.isDirectory()) files.push(...(await this.expand(child, report)));
      else if (entry.isFile()) files.push(child);
    }
    return files;
  }

  private sourceId(file: string): string {
    const inside = relative(this.settings.rootDir, file);
    return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : file;
  }

}

/** Marks a chunk that reads like an instruction to an AI assistant (stored with the chunk, reported). */
function flagInstructions(chunk: Chunk, onFlagged: (chunk: Chunk, phrases: string[]) => void): void {
  const phrases = [...new Set(findInstructions(chunk.text).map((finding) => finding.phrase))];
  if (phrases.length === 0) return;
  chunk.instructionLike = phrases;
  onFlagged(chunk, phrases);
}

/** The fields the sparse encoder weighs: headings say what a chunk is about; the enrichment, how agents ask. */
export function documentFields(chunk: Chunk): DocumentFields {
  const headings = [...chunk.headingPath, chunk.kind === 'article' ? '' : chunk.title, chunk.section ?? ''].filter(Boolean).join('\n');
  return { headings, body: chunk.text, ...(chunk.enrichment ? { enrichment: chunk.enrichment.text } : {}) };
}

/** What the embedder reads of a chunk. */
export function embeddingText(chunk: Chunk): string {
  return [chunk.title, ...chunk.headingPath, chunk.section ?? '', chunk.text, chunk.enrichment?.text ?? ''].filter(Boolean).join('\n');
}
