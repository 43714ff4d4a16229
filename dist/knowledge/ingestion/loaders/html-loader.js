import { fileDocument } from "./file-document.js";
import { htmlToText } from "./html-to-text.js";
import { decodeText } from "./text-decoding.js";
/** HTML pages: headings delimit sections; navigation and scripts are ignored. */
export const loadHtml = async (bytes, context) => {
    const { text, title } = htmlToText(decodeText(bytes, context.displayName));
    const meta = /<meta\s+name=["']classification["']\s+content=["']([^"']+)["']/i.exec(bytes.toString('utf8', 0, 4096));
    return fileDocument(bytes, context, { text, ...(title ? { title } : {}), classification: meta?.[1] });
};
