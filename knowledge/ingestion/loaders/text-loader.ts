import type { Loader } from './loader.ts';
import { fileDocument } from './file-document.ts';
import { decodeText } from './text-decoding.ts';

/** Plain text: paragraphs separated by blank lines. */
export const loadText: Loader = async (bytes, context) =>
  fileDocument(bytes, context, { text: decodeText(bytes, context.displayName) });
