import { z } from 'zod';
import { resolveClassification } from "../classification.js";
import { sha256 } from "./loader.js";
import { decodeText } from "./text-decoding.js";
import { htmlToText } from "./html-to-text.js";
/**
 * Line-delimited JSON in the formats of the shared corpus: code articles (`num`, `code`, `text`), Q/A pairs
 * (`question`, `answer`), or generic documents (`title`, `text`). A broken line is reported with its number
 * and the rest of the file goes in.
 */
const OPEN_ENDED = '2999-01-01';
const BaseRecord = z.object({
    id: z.string().min(1),
    classification: z.string().optional(),
    source_url: z.string().optional().nullable(),
    url: z.string().optional().nullable(),
    title_path: z.array(z.string()).optional(),
});
const ArticleRecord = BaseRecord.extend({
    code: z.string().min(1),
    num: z.string().min(1),
    text: z.string().min(1),
    valid_from: z.string().nullable().optional(),
    valid_to: z.string().nullable().optional(),
});
const QaRecord = BaseRecord.extend({
    question: z.string().min(1),
    answer: z.string().min(1),
    category: z.string().optional().nullable(),
    subcategory: z.string().optional().nullable(),
    source: z.string().optional().nullable(),
});
const GenericRecord = BaseRecord.extend({ title: z.string().min(1), text: z.string().min(1) });
export const loadJsonl = async (bytes, context) => {
    const documents = [];
    const warnings = [];
    const seen = new Set();
    const headings = new LeakedHeadings();
    const lines = decodeText(bytes, context.displayName).split('\n');
    lines.forEach((line, index) => {
        if (line.trim() === '')
            return;
        const lineNumber = index + 1;
        let value;
        try {
            value = JSON.parse(line);
        }
        catch (error) {
            warnings.push({ line: lineNumber, reason: `JSON invalide (${error.message})` });
            return;
        }
        const document = toDocument(value, line, context.source, context.defaultClassification, headings);
        if (typeof document === 'string')
            warnings.push({ line: lineNumber, reason: document });
        else if (seen.has(document.documentId))
            warnings.push({ line: lineNumber, reason: `identifiant en double « ${document.documentId} »` });
        else if (document.classification === 'interdit-ia')
            warnings.push({ line: lineNumber, reason: `« ${document.documentId} » est classifié interdit IA : refusé`, documentId: document.documentId });
        else {
            seen.add(document.documentId);
            documents.push(document);
        }
    });
    return { documents, warnings };
};
function toDocument(value, line, source, fallback, headings) {
    const contentHash = sha256(line);
    const article = ArticleRecord.safeParse(value);
    if (article.success) {
        const record = article.data;
        const validFrom = record.valid_from ?? undefined;
        const validTo = record.valid_to && record.valid_to !== OPEN_ENDED ? record.valid_to : undefined;
        const { text, trailing } = splitTrailingHeadings(record.text);
        const headingPath = headings.pathFor(record.title_path ?? []);
        headings.note(record.title_path ?? [], trailing);
        return {
            documentId: record.id,
            source,
            kind: 'article',
            title: `${record.code}, art. ${record.num}`,
            headingPath,
            text: plainArticleText(text),
            ...url(record),
            classification: resolveClassification(record.classification, '', fallback),
            article: { code: record.code, number: record.num, ...(validFrom ? { validFrom } : {}), ...(validTo ? { validTo } : {}) },
            contentHash,
        };
    }
    const qa = QaRecord.safeParse(value);
    if (qa.success) {
        const record = qa.data;
        return {
            documentId: record.id,
            source,
            kind: 'qa',
            title: record.question.length > 120 ? `${record.question.slice(0, 117)}…` : record.question,
            headingPath: [record.source, record.category, record.subcategory].filter((part) => Boolean(part)),
            question: record.question,
            text: `Question : ${record.question}\n\nRéponse : ${record.answer}`,
            ...url(record),
            classification: resolveClassification(record.classification, record.answer, fallback),
            contentHash,
        };
    }
    const generic = GenericRecord.safeParse(value);
    if (generic.success) {
        const record = generic.data;
        return {
            documentId: record.id,
            source,
            kind: 'section',
            title: record.title,
            headingPath: record.title_path ?? [],
            text: record.text,
            ...url(record),
            classification: resolveClassification(record.classification, record.text, fallback),
            contentHash,
        };
    }
    return 'enregistrement non reconnu (attendu : article {id, code, num, text}, Q/R {id, question, answer} ou document {id, title, text})';
}
function url(record) {
    const value = record.source_url ?? record.url;
    return value ? { url: value } : {};
}
/**
 * Légifrance Markdown exports leave the heading of the next subdivision ("######## Paragraphe 2 : …") at the
 * end of the article before it, and the following articles' `title_path` stops above that level. The heading
 * is taken out of the text and given back to the articles it heads: those that follow with the same
 * `title_path`, until another heading of the same or a higher level replaces it.
 */
class LeakedHeadings {
    parent;
    extra = [];
    pathFor(titlePath) {
        if (this.parent !== titlePath.join('\n'))
            return titlePath;
        return [...titlePath, ...this.extra.map((heading) => heading.text)];
    }
    note(titlePath, trailing) {
        const key = titlePath.join('\n');
        if (this.parent !== key) {
            this.parent = key;
            this.extra = [];
        }
        for (const heading of trailing)
            this.extra = [...this.extra.filter((kept) => kept.level < heading.level), heading];
    }
}
/** The text without the Markdown heading lines at its end, and those headings (level = number of #). */
export function splitTrailingHeadings(text) {
    const paragraphs = text.split(/\n{2,}/);
    const trailing = [];
    while (paragraphs.length > 1) {
        const match = /^(#{2,})\s+(.+)$/.exec(paragraphs[paragraphs.length - 1].trim());
        if (!match)
            break;
        trailing.unshift({ level: match[1].length, text: match[2].trim() });
        paragraphs.pop();
    }
    return { text: paragraphs.join('\n\n'), trailing };
}
/** Article text as plain paragraphs: the HTML tables some consolidated texts carry become rows of cells. */
function plainArticleText(text) {
    if (!/<(table|div|p|br)\b/i.test(text))
        return text;
    return text
        .split(/\n{2,}/)
        .map((paragraph) => (/<[a-z]/i.test(paragraph) ? htmlToText(paragraph).text : paragraph))
        .filter((paragraph) => paragraph.trim() !== '')
        .join('\n\n');
}
