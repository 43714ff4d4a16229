import { extname } from 'node:path';
import { loadDocx } from './docx-loader.ts';
import { loadHtml } from './html-loader.ts';
import { loadJsonl } from './jsonl-loader.ts';
import type { Loader } from './loader.ts';
import { loadMarkdown } from './markdown-loader.ts';
import { loadPdf } from './pdf-loader.ts';
import { loadText } from './text-loader.ts';

/** Loaders by file extension (lower case, with the dot). */
const LOADERS: ReadonlyMap<string, Loader> = new Map([
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

export const SUPPORTED_EXTENSIONS: readonly string[] = [...LOADERS.keys()];

export function loaderFor(file: string): Loader | undefined {
  return LOADERS.get(extname(file).toLowerCase());
}
