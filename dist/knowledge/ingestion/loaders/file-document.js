import { basename, extname } from 'node:path';
import { PasserelleError } from "../../../bots/errors.js";
import { resolveClassification } from "../classification.js";
import { sha256 } from "./loader.js";
/**
 * Builds the single document of a whole file (Markdown, HTML, DOCX, PDF, text) from its extracted text,
 * whose sections are marked with Markdown headings.
 */
export function fileDocument(bytes, context, extracted) {
    const text = extracted.text.trim();
    if (text.length === 0)
        throw new PasserelleError('FILE_EMPTY', { file: context.displayName });
    const classification = resolveClassification(extracted.classification, text, context.defaultClassification);
    if (classification === 'interdit-ia')
        throw new PasserelleError('DOCUMENT_FORBIDDEN_FOR_AI', { file: context.displayName });
    const firstHeading = /^#{1,6}\s+(.+)$/m.exec(text)?.[1]?.trim();
    const document = {
        documentId: context.source,
        source: context.source,
        kind: 'section',
        title: extracted.title?.trim() || firstHeading || titleFromFileName(context.displayName),
        headingPath: [],
        text,
        classification,
        contentHash: sha256(bytes),
        ...(extracted.pages ? { pages: extracted.pages } : {}),
    };
    return { documents: [document], warnings: [] };
}
function titleFromFileName(file) {
    const name = basename(file, extname(file)).replace(/[-_]+/g, ' ').trim();
    return name.charAt(0).toUpperCase() + name.slice(1);
}
