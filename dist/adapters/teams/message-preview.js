import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { clip, MAX_TEXT_CHARS } from "./reply-renderer.js";
/**
 * How Teams will show a Markdown message the adapter sends (`textFormat: 'markdown'`, clipped to the text
 * limit), for the console's preview: Teams renders a subset of Markdown — emphasis, strike-through, lists,
 * links, quotes, code and headings — and shows no images or tables in a plain message.
 */
const markdown = new Marked({ gfm: true, breaks: true, async: false });
const TEAMS_TAGS = ['p', 'br', 'strong', 'b', 'em', 'i', 'del', 's', 'strike', 'ul', 'ol', 'li', 'a', 'blockquote', 'pre', 'code', 'h1', 'h2', 'h3', 'hr'];
export function teamsPreviewHtml(text) {
    return sanitizeHtml(markdown.parse(clip(text, MAX_TEXT_CHARS), { async: false }), {
        allowedTags: TEAMS_TAGS,
        allowedAttributes: { a: ['href'] },
        allowedSchemes: ['https', 'http', 'mailto'],
        disallowedTagsMode: 'discard',
    }).trim();
}
