import { fileDocument } from "./file-document.js";
import { decodeText } from "./text-decoding.js";
/** Plain text: paragraphs separated by blank lines. */
export const loadText = async (bytes, context) => fileDocument(bytes, context, { text: decodeText(bytes, context.displayName) });
