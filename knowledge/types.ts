/**
 * Shared vocabulary of the knowledge layer: classification labels, documents as loaded, chunks as indexed
 * and hits as returned. Every store and every loader speaks these types.
 */

/** Classification labels, from least to most sensitive. */
export const CLASSIFICATIONS = ['public', 'interne', 'diffusion-restreinte', 'interdit-ia'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export function classificationRank(label: Classification): number {
  return CLASSIFICATIONS.indexOf(label);
}

/** True when `label` may be handled by something cleared up to `ceiling`. */
export function isWithinCeiling(label: Classification, ceiling: Classification): boolean {
  return classificationRank(label) <= classificationRank(ceiling);
}

export type ChunkKind = 'article' | 'qa' | 'section';

/** Metadata of a legal article (code files). */
export interface ArticleInfo {
  /** Code name, e.g. "Code des douanes". */
  code: string;
  /** Article number as printed: "67 bis", "L621-1". */
  number: string;
  /** Start of validity (ISO date) when known. */
  validFrom?: string;
  /** End of validity (ISO date; 2999-01-01 means open-ended) when known. */
  validTo?: string;
  /** Rank of the article in its source file (0-based): the code's own order, as Légifrance prints it. */
  position?: number;
  /**
   * Stable identity of the article across its versions (and renumbering): the LEGI chronical id (LEGIARTI… `cid`)
   * when known, else `code|normalised number`. Absent for texts that carry no version information.
   */
  identity?: string;
  /** The version: its LEGI id (LEGIARTI…) when known, else the document id. */
  versionId?: string;
  /** Date of the consolidated text the version was read from (the version was in force that day). */
  observedAt?: string;
  /** Validity as the source declared it; `validFrom`/`validTo` are the dates after reconciling the versions. */
  declared?: { validFrom?: string; validTo?: string };
  /**
   * The version started (ended) on an unknown day after this date, at the latest on `validFrom` (`validTo`):
   * set when the bound was inferred from two consolidated snapshots rather than given by the source.
   */
  uncertainFrom?: string;
  uncertainTo?: string;
  /** Number of distinct versions of this article in the base (set when versions are reconciled). */
  versions?: number;
  /** Another document of the base holds this very version: this one is never in force (hidden by date filters). */
  duplicateOf?: string;
}

/**
 * How agents ask about a document, written from its text (by the team, a curator or the chat model): indexed
 * as a field of its own so that agents' words find the article; never shown as the law, never quoted.
 */
export interface DocumentEnrichment {
  /** Subject, typical questions and agents' terms, one per line. */
  text: string;
  /** Who wrote it: the team (shipped, reviewed), a curator, or the chat model (machine-written). */
  origin: 'team' | 'curator' | 'model';
  /** Drafts are machine-written entries no curator has approved yet. */
  status: 'approved' | 'draft';
}

/**
 * One logical document produced by a loader: a code article, a Q/A pair, or a whole file. A file can hold
 * many documents (JSONL); `documentId` is stable across re-ingestion so a changed article replaces the old one.
 */
export interface SourceDocument {
  documentId: string;
  /** The file (or other origin) the document came from; removing a source removes all its documents. */
  source: string;
  kind: ChunkKind;
  title: string;
  /** Headings above the document (code: Partie/Livre/Titre/Chapitre…). */
  headingPath: string[];
  /** Plain text; paragraphs separated by blank lines. Markdown headings (#) delimit sections. */
  text: string;
  url?: string;
  classification: Classification;
  article?: ArticleInfo;
  /** For Q/A documents, the question alone (the answer is in `text`). */
  question?: string;
  /** Page numbers of the text's paragraphs (PDF), aligned with `text.split('\n\n')`. */
  pages?: number[];
  /** sha256 of what defines the document; equal hash on re-ingestion means nothing to do. */
  contentHash: string;
  /** Agents' wording for the document, when an enrichment entry matches its text (set at ingestion). */
  enrichment?: DocumentEnrichment;
  /** A fictional example document (its text opens with the « EXEMPLE — document fictif » banner): never an official text. */
  example?: boolean;
}

/** A searchable unit. Carries everything needed to cite it. */
export interface Chunk {
  /** `${documentId}#${part}`. */
  id: string;
  kb: string;
  documentId: string;
  source: string;
  kind: ChunkKind;
  title: string;
  headingPath: string[];
  /** Section heading inside the document, when split on headings. */
  section?: string;
  text: string;
  url?: string;
  classification: Classification;
  article?: ArticleInfo;
  /** Page range "p. 3" or "p. 3-4" for PDF sources. */
  pages?: string;
  part: number;
  parts: number;
  contentHash: string;
  /** Agents' wording for the whole document (every part carries it): indexed and used in ranking, never shown. */
  enrichment?: DocumentEnrichment;
  /**
   * Instruction-like phrases found at ingestion (prompt injection suspected, knowledge/policies/instruction-injection.ts):
   * the passage is kept out of the model's context by default and never quoted without a warning.
   */
  instructionLike?: string[];
  /** Part of a fictional example document: every answer citing it says so. */
  example?: boolean;
}

/** Sparse lexical vector: term ids (32-bit hashes of analysed terms) with their document-side weights. */
export interface SparseVector {
  indices: number[];
  values: number[];
}

/** A chunk ready for a store: its sparse vector and, when an embedder is configured, its dense vector. */
export interface IndexedChunk {
  chunk: Chunk;
  sparse: SparseVector;
  dense?: Float32Array;
}

/** A document as recorded in a store, for idempotent re-ingestion and removal. */
export interface DocumentRecord {
  kb: string;
  documentId: string;
  source: string;
  contentHash: string;
  chunkCount: number;
}

export interface SearchHit {
  chunk: Chunk;
  /** Higher is better; comparable only within one result list. */
  score: number;
}
