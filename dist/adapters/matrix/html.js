import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
/**
 * Markdown → HTML for `formatted_body`, always sanitised with an allow-list (the tags the Matrix spec lists
 * for `org.matrix.custom.html`, without images nor colours). Raw HTML in the markdown (a question echoed
 * back, a document passage) is escaped, links keep only http(s) and mailto targets.
 */
const markdown = new Marked({ gfm: true, breaks: true, async: false });
const SANITIZE_OPTIONS = {
    allowedTags: [
        'del', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'p', 'a', 'ul', 'ol', 'sup', 'sub', 'li', 'b', 'i', 'u',
        'strong', 'em', 'strike', 's', 'code', 'hr', 'br', 'div', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'caption',
        'pre', 'span', 'details', 'summary',
    ],
    allowedAttributes: { a: ['href'], ol: ['start'], code: ['class'] },
    allowedClasses: { code: ['language-*'] },
    allowedSchemes: ['https', 'http', 'mailto'],
    allowedSchemesAppliedToAttributes: ['href'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'escape',
    enforceHtmlBoundary: false,
};
/** Sanitises an HTML fragment with the channel's allow-list. */
export function sanitize(html) {
    return sanitizeHtml(html, SANITIZE_OPTIONS);
}
/** Renders markdown to sanitised HTML. */
export function markdownToHtml(text) {
    return sanitize(markdown.parse(text, { async: false }).trim());
}
/** Escapes text for inclusion in HTML. */
export function escapeHtml(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
/** Whether a URL may become a link (http or https only). */
export function isSafeUrl(url) {
    if (!url)
        return false;
    try {
        const parsed = new URL(url);
        return parsed.protocol === 'https:' || parsed.protocol === 'http:';
    }
    catch {
        return false;
    }
}
