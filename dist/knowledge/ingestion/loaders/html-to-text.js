import { parse } from 'node-html-parser';
/**
 * Converts HTML (web pages, and DOCX through mammoth) to text with Markdown headings. Navigation, scripts,
 * styles and forms are dropped; block elements become paragraphs; list items keep a dash.
 */
const DROPPED = new Set(['script', 'style', 'noscript', 'nav', 'header', 'footer', 'aside', 'form', 'template', 'svg', 'iframe', 'button']);
const BLOCKS = new Set(['p', 'div', 'section', 'article', 'main', 'li', 'tr', 'blockquote', 'pre', 'dd', 'dt', 'table', 'ul', 'ol', 'figure', 'figcaption', 'br', 'hr']);
export function htmlToText(html) {
    const root = parse(html, { comment: false, blockTextElements: { script: false, style: false, noscript: false, pre: true } });
    const title = root.querySelector('title')?.text.trim() || undefined;
    const body = root.querySelector('body') ?? root;
    const out = [];
    let line = '';
    const flush = () => {
        const value = line.replace(/\s+/g, ' ').trim();
        if (value)
            out.push(value);
        line = '';
    };
    const walk = (node) => {
        if (node.nodeType === 3) {
            line += decodeEntities(node.rawText);
            return;
        }
        if (node.nodeType !== 1)
            return;
        const element = node;
        const tag = element.rawTagName?.toLowerCase() ?? '';
        if (DROPPED.has(tag))
            return;
        const heading = /^h([1-6])$/.exec(tag);
        if (heading) {
            flush();
            line = `${'#'.repeat(Number(heading[1]))} `;
            element.childNodes.forEach(walk);
            flush();
            return;
        }
        const block = BLOCKS.has(tag);
        if (block)
            flush();
        if (tag === 'li')
            line = '- ';
        if (tag === 'td' || tag === 'th')
            line += ' ';
        element.childNodes.forEach(walk);
        if (block)
            flush();
    };
    body.childNodes.forEach(walk);
    flush();
    const text = out.join('\n\n');
    return title ? { text, title } : { text };
}
function decodeEntities(text) {
    return text
        .replace(/&nbsp;/g, ' ')
        .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
        .replace(/&#x([0-9a-f]+);/gi, (_, code) => String.fromCodePoint(parseInt(code, 16)))
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;|&apos;/g, "'")
        .replace(/&rsquo;/g, '’')
        .replace(/&laquo;/g, '«')
        .replace(/&raquo;/g, '»')
        .replace(/&eacute;/g, 'é')
        .replace(/&egrave;/g, 'è')
        .replace(/&agrave;/g, 'à')
        .replace(/&amp;/g, '&');
}
