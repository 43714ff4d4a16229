import { parse } from 'yaml';
import { fileDocument } from "./file-document.js";
import { decodeText } from "./text-decoding.js";
/** Markdown with optional YAML front matter (`title`, `classification`); headings delimit sections. */
export const loadMarkdown = async (bytes, context) => {
    const raw = decodeText(bytes, context.displayName);
    const match = /^---\n([\s\S]*?)\n---\n?/.exec(raw);
    let metadata = {};
    if (match) {
        try {
            const parsed = parse(match[1] ?? '');
            if (parsed && typeof parsed === 'object')
                metadata = parsed;
        }
        catch {
            // Not front matter after all: keep the text as it is.
        }
    }
    const body = match && Object.keys(metadata).length > 0 ? raw.slice(match[0].length) : raw;
    return fileDocument(bytes, context, {
        text: stripMarkdown(body),
        ...(typeof metadata.title === 'string' ? { title: metadata.title } : {}),
        classification: metadata.classification,
    });
};
/** Keeps headings and text; removes markup that would pollute search and quotes. */
function stripMarkdown(text) {
    return text
        .replace(/```[\s\S]*?```/g, (block) => block.replace(/```\w*/g, ''))
        .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)')
        .replace(/<[^>]+>/g, '')
        .replace(/(\*\*|__)(.+?)\1/g, '$2')
        .replace(/^\s*[-*+]\s+/gm, '- ')
        .replace(/^>\s?/gm, '');
}
