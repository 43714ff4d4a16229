import { basename, extname } from 'node:path';
import { PasserelleError } from '../../../bots/errors.ts';
import { resolveClassification } from '../classification.ts';
import type { SourceDocument } from '../../types.ts';
import type { LoadContext, LoadResult } from './loader.ts';
import { sha256 } from './loader.ts';

/**
 * Builds the single document of a whole file (Markdown, HTML, DOCX, PDF, text) from its extracted text,
 * whose sections are marked with Markdown headings.
 */
/** The banner that opens every fictional example document (examples/README.md). */
const EXAMPLE_BANNER = /^(?:[#>*_\s]*)EXEMPLE\s*[—–-]\s*document fictif/im;

export function fileDocument(
  bytes: Buffer,
  context: LoadContext,
  extracted: { text: string; title?: string; classification?: unknown; pages?: number[]; revision?: string },
): LoadResult {
  const text = extracted.text.trim();
  if (text.length === 0) throw new PasserelleError('FILE_EMPTY', { file: context.displayName });
  const classification = resolveClassification(extracted.classification, text, context.defaultClassification);
  if (classification === 'interdit-ia') throw new PasserelleError('DOCUMENT_FORBIDDEN_FOR_AI', { file: context.displayName });
  const firstHeading = /^#{1,6}\s+(.+)$/m.exec(text)?.[1]?.trim();
  const example = EXAMPLE_BANNER.test(text.slice(0, 400));
  const document: SourceDocument = {
    documentId: context.source,
    source: context.source,
    kind: 'section',
    title: extracted.title?.trim() || firstHeading || titleFromFileName(context.displayName),
    headingPath: [],
    text,
    classification,
    // The file's bytes, plus what the loader adds to them (the example mark, a revision of the extraction), so
    // that a document indexed by an earlier loader is indexed again.
    contentHash: example || extracted.revision ? sha256(Buffer.concat([bytes, Buffer.from(`\n${example ? 'example' : ''}\n${extracted.revision ?? ''}`)])) : sha256(bytes),
    ...(extracted.pages ? { pages: extracted.pages } : {}),
    ...(example ? { example } : {}),
  };
  return { documents: [document], warnings: [] };
}

function titleFromFileName(file: string): string {
  const name = basename(file, extname(file)).replace(/[-_]+/g, ' ').trim();
  return name.charAt(0).toUpperCase() + name.slice(1);
}
