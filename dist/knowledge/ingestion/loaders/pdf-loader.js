import { getDocumentProxy } from 'unpdf';
import { PasserelleError } from "../../../bots/errors.js";
import { fileDocument } from "./file-document.js";
import { cleanText } from "./text-decoding.js";
/**
 * PDF through unpdf (PDF.js). Text is rebuilt into paragraphs per page, keeping the page number of each
 * paragraph for citations; short stand-alone lines without final punctuation are taken as section headings.
 * Password-protected, corrupt and image-only PDFs are refused with distinct errors.
 */
export const loadPdf = async (bytes, context) => {
    const file = context.displayName;
    if (bytes.subarray(0, 1024).indexOf('%PDF-') < 0)
        throw new PasserelleError('FILE_CORRUPT', { file, reason: 'ce n’est pas un PDF' });
    let pdf;
    try {
        pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, stopAtErrors: false });
    }
    catch (error) {
        const name = error.name ?? '';
        if (name === 'PasswordException')
            throw new PasserelleError('FILE_PASSWORD_PROTECTED', { file }, { cause: error });
        throw new PasserelleError('FILE_CORRUPT', { file, reason: 'structure PDF invalide' }, { cause: error });
    }
    try {
        const paragraphs = [];
        const pages = [];
        let title;
        const info = await pdf.getMetadata().catch(() => undefined);
        const infoTitle = info?.info?.Title;
        if (typeof infoTitle === 'string' && infoTitle.trim())
            title = infoTitle.trim();
        for (let number = 1; number <= pdf.numPages; number++) {
            const page = await pdf.getPage(number);
            const content = await page.getTextContent();
            const lines = [];
            let current = '';
            for (const item of content.items) {
                if (!('str' in item))
                    continue;
                current += item.str;
                if (item.hasEOL) {
                    lines.push(current);
                    current = '';
                }
            }
            if (current)
                lines.push(current);
            for (const paragraph of toParagraphs(lines)) {
                paragraphs.push(paragraph);
                pages.push(number);
            }
        }
        const text = paragraphs.join('\n\n');
        if (cleanText(text) === '')
            throw new PasserelleError('FILE_NO_TEXT', { file });
        return fileDocument(bytes, context, { text, pages, ...(title ? { title } : {}) });
    }
    catch (error) {
        if (error instanceof PasserelleError)
            throw error;
        throw new PasserelleError('FILE_CORRUPT', { file, reason: 'contenu PDF illisible' }, { cause: error });
    }
    finally {
        await pdf.destroy().catch(() => undefined);
    }
};
function toParagraphs(lines) {
    const paragraphs = [];
    let current = '';
    const flush = () => {
        const value = cleanText(current.replace(/\s+/g, ' '));
        if (value)
            paragraphs.push(value);
        current = '';
    };
    for (const raw of lines) {
        const line = raw.replace(/\s+/g, ' ').trim();
        if (line === '') {
            flush();
            continue;
        }
        if (current === '' && looksLikeHeading(line)) {
            paragraphs.push(`## ${line}`);
            continue;
        }
        current = current ? joinLine(current, line) : line;
        if (/[.!?:;»"]$/.test(line))
            flush();
    }
    flush();
    return paragraphs;
}
function looksLikeHeading(line) {
    return line.length <= 70 && !/[.,;:!?]$/.test(line) && /^[A-ZÀ-Ý0-9]/.test(line) && /[a-zà-ÿ]{3}/i.test(line) && !/^\d+$/.test(line);
}
function joinLine(current, line) {
    return current.endsWith('-') && /^[a-zà-ÿ]/.test(line) ? `${current.slice(0, -1)}${line}` : `${current} ${line}`;
}
