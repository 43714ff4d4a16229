import { createHash } from 'node:crypto';
import type { Classification, SourceDocument } from '../../types.ts';
import type { ArticleIdLookup } from './legifrance-links.ts';

/** What every loader receives: the file's bytes and where they come from. */
export interface LoadContext {
  /** Source identifier stored with the documents (path relative to the project root when inside it). */
  source: string;
  /** Short name for messages. */
  displayName: string;
  /** Label for documents that carry none. */
  defaultClassification: Classification;
  /** Légifrance article ids known from `passerelle sync`, for code records that carry none (their link). */
  articleIds?: ArticleIdLookup;
}

/** A problem that skipped part of a file (a JSONL line) while the rest went in. */
export interface LoadWarning {
  line?: number;
  reason: string;
  /** Set when the line was read but its record refused (classified interdit IA): that record must leave the base. */
  documentId?: string;
}

export interface LoadResult {
  documents: SourceDocument[];
  warnings: LoadWarning[];
}

/** Turns one file into documents, or throws a PasserelleError (FILE_CORRUPT, FILE_NO_TEXT, …). */
export type Loader = (bytes: Buffer, context: LoadContext) => Promise<LoadResult>;

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
