import { extname } from 'node:path';
import { loadDocx } from "./docx-loader.js";
import { loadHtml } from "./html-loader.js";
import { loadJsonl } from "./jsonl-loader.js";
import { loadMarkdown } from "./markdown-loader.js";
import { loadPdf } from "./pdf-loader.js";
import { loadText } from "./text-loader.js";
/** Loaders by file extension (lower case, with the dot). */
const LOADERS = new Map([
    ['.jsonl', loadJsonl],
    ['.ndjson', loadJsonl],
    ['.pdf', loadPdf],
    ['.docx', loadDocx],
    ['.html', loadHtml],
    ['.htm', loadHtml],
    ['.md', loadMarkdown],
    ['.markdown', loadMarkdown],
    ['.txt', loadText],
    ['.text', loadText],
]);
export const SUPPORTED_EXTENSIONS = [...LOADERS.keys()];
export function loaderFor(file) {
    return LOADERS.get(extname(file).toLowerCase());
}
