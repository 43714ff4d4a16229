import { readFile } from 'node:fs/promises';
import { PasserelleError, toPasserelleError } from "../../bots/errors.js";
import { compareArticleNumbers, normaliseArticleNumber } from "../../knowledge/analysis/article-references.js";
import { HEADING_QUALIFIER, headingKey, headingPathMatches } from "../../knowledge/analysis/headings.js";
import { chunkDocument } from "../../knowledge/ingestion/chunker.js";
import { loaderFor, SUPPORTED_EXTENSIONS } from "../../knowledge/ingestion/loaders/loader-registry.js";
import { classificationRank } from "../../knowledge/types.js";
export async function documentSections(file, maxChars) {
    const loader = loaderFor(file.name);
    if (!loader)
        throw new PasserelleError('FILE_UNSUPPORTED', { file: file.name, formats: SUPPORTED_EXTENSIONS.join(', ') });
    let bytes;
    try {
        bytes = await readFile(file.path);
    }
    catch (error) {
        throw new PasserelleError('FILE_UNREADABLE', { file: file.name, reason: 'fichier introuvable' }, { cause: error });
    }
    if (bytes.length === 0)
        throw new PasserelleError('FILE_EMPTY', { file: file.name });
    let loaded;
    try {
        loaded = await loader(bytes, { source: file.name, displayName: file.name, defaultClassification: 'interne' });
    }
    catch (error) {
        throw toPasserelleError(error);
    }
    const chunks = loaded.documents.flatMap((document) => chunkDocument(document, 'upload', maxChars));
    if (chunks.length === 0)
        throw new PasserelleError('FILE_NO_TEXT', { file: file.name });
    const classification = loaded.documents.some((document) => document.classification === 'diffusion-restreinte') ? 'diffusion-restreinte' : 'interne';
    return {
        title: loaded.documents[0]?.title ?? file.name,
        sections: chunks.map((chunk) => ({
            heading: chunk.section ?? (chunk.kind === 'article' ? chunk.title : chunk.headingPath[chunk.headingPath.length - 1] ?? chunk.title),
            ...(chunk.pages ? { reference: chunk.pages } : chunk.article ? { reference: `art. ${chunk.article.number}` } : {}),
            text: chunk.text,
        })),
        classification,
    };
}
/** A title/chapter/section of a code, or a range of its articles, in the code's order. */
export async function codeSections(store, kb, code, part) {
    const chunks = (await store.listChunks(kb, { code })).filter((chunk) => chunk.article);
    if (chunks.length === 0)
        throw new PasserelleError('CODE_NOT_IN_BASE', { code, kb });
    chunks.sort((a, b) => compareArticleNumbers(a.article.number, b.article.number) || a.part - b.part);
    let selected;
    let title;
    if (part.type === 'articles') {
        const from = normaliseArticleNumber(part.from);
        const to = normaliseArticleNumber(part.to);
        const known = new Set(chunks.map((chunk) => normaliseArticleNumber(chunk.article.number)));
        if (!known.has(from) || !known.has(to)) {
            throw new PasserelleError('ARTICLES_NOT_FOUND', { from: part.from, to: part.to, code });
        }
        selected = chunks.filter((chunk) => compareArticleNumbers(chunk.article.number, part.from) >= 0 && compareArticleNumbers(chunk.article.number, part.to) <= 0);
        title = `${code}, articles ${part.from} à ${part.to}`;
    }
    else {
        // "chapitre II du titre III": every level named must be on the article's heading path.
        const first = headingKey(part.label.split(HEADING_QUALIFIER)[0] ?? '');
        selected = chunks.filter((chunk) => headingPathMatches(part.label, chunk.headingPath));
        const heading = selected[0]?.headingPath.find((entry) => headingKey(entry) === first);
        if (!heading)
            throw new PasserelleError('HEADING_NOT_FOUND', { label: part.label, code });
        title = `${code} — ${heading}`;
    }
    return {
        title,
        sections: selected.map((chunk) => ({ heading: `Article ${chunk.article.number}`, reference: `art. ${chunk.article.number}`, text: chunk.text })),
        // The most sensitive article decides (a diffusion-restreinte article must not reach a model cleared for interne).
        classification: highest(selected.map((chunk) => chunk.classification)),
    };
}
export function conversationSections(messages, title) {
    const byDay = new Map();
    for (const message of messages) {
        const day = message.at.slice(0, 10);
        const lines = byDay.get(day) ?? [];
        lines.push(`${message.sender} : ${message.text}`);
        byDay.set(day, lines);
    }
    return {
        title,
        sections: [...byDay.entries()].map(([day, lines]) => ({ heading: `Échanges du ${day.split('-').reverse().join('/')}`, reference: day, text: lines.join('\n') })),
        classification: 'interne',
    };
}
function highest(labels) {
    return labels.reduce((top, label) => (classificationRank(label) > classificationRank(top) ? label : top), 'public');
}
