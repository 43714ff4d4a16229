import type { Loader } from './loader.ts';
import { fileDocument } from './file-document.ts';
import { htmlToText } from './html-to-text.ts';
import { decodeText } from './text-decoding.ts';

/** HTML pages: headings delimit sections; navigation and scripts are ignored. */
export const loadHtml: Loader = async (bytes, context) => {
  const { text, title } = htmlToText(decodeText(bytes, context.displayName));
  const meta = /<meta\s+name=["']classification["']\s+content=["']([^"']+)["']/i.exec(bytes.toString('utf8', 0, 4096));
  return fileDocument(bytes, context, { text, ...(title ? { title } : {}), classification: meta?.[1] });
};
