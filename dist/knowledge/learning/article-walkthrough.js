import { findArticleMentions, normaliseArticleNumber } from "../analysis/article-references.js";
import { foldText } from "../analysis/normalise.js";
import { decisiveSentence, substantiveSentences } from "../answering/decisive-sentence.js";
import { isWithinCeiling } from "../types.js";
import { BaseCache } from "./base-cache.js";
import { runCooperatively } from "./cooperative.js";
import { definitionSteps, definitionsUsedBy } from "./definitions.js";
const MAX_SENTENCES = 4;
const MAX_REFERENCES = 4;
const MAX_CHANGES = 2;
export class ArticleGuide {
    store;
    definitions;
    constructor(store, recheckMs = 60_000) {
        this.store = store;
        this.definitions = new BaseCache(store, async (kb) => runCooperatively(definitionSteps(await store.listChunks(kb))), recheckMs);
    }
    async walkThrough(article, options) {
        const decisive = (options.question ? decisiveSentence(options.question, article.text) : undefined) ?? substantiveSentences(article.text)[0];
        const others = substantiveSentences(article.text).map((span) => span.text).filter((sentence) => sentence !== decisive?.text);
        const visible = await this.visibleDefinitions(article, options.filter);
        const { references, missing } = await this.references(article, options.filter);
        return {
            article,
            decisive: decisive?.text ?? article.text.trim(),
            sentences: others.slice(0, MAX_SENTENCES),
            omitted: Math.max(0, others.length - MAX_SENTENCES),
            definitions: visible,
            references,
            missing,
            versions: await this.versions(article, options.filter),
        };
    }
    async visibleDefinitions(article, filter) {
        const all = await this.definitions.get(article.kb);
        const allowed = all.filter((definition) => isWithinCeiling(definition.chunk.classification, filter.maxClassification));
        return definitionsUsedBy(article, allowed);
    }
    async references(article, filter) {
        const own = article.article ? normaliseArticleNumber(article.article.number) : undefined;
        const references = [];
        const missing = [];
        for (const mention of findArticleMentions(article.text)) {
            if (mention.number === own || references.length + missing.length >= MAX_REFERENCES)
                continue;
            const code = mention.code ?? article.article?.code;
            const [found] = (await this.store.findArticle({ kb: article.kb, number: mention.number, ...(code ? { code } : {}), filter })).sort((a, b) => a.part - b.part);
            const sentence = found ? substantiveSentences(found.text)[0]?.text : undefined;
            if (found && sentence)
                references.push({ number: found.article?.number ?? mention.number, chunk: found, sentence });
            else
                missing.push(mention.number);
        }
        return { references, missing };
    }
    async versions(article, filter) {
        const info = article.article;
        const dates = { ...(info?.validFrom ? { validFrom: info.validFrom } : {}), ...(info?.validTo ? { validTo: info.validTo } : {}) };
        if (!info)
            return { ...dates, others: [] };
        // Every version, whatever its dates: the "in force" filter would hide the earlier ones.
        const { inForceAt: _ignored, ...allDates } = filter;
        const chunks = await this.store.findArticle({ kb: article.kb, number: normaliseArticleNumber(info.number), code: info.code, filter: allDates });
        const byDocument = new Map();
        for (const chunk of chunks) {
            if (chunk.documentId === article.documentId)
                continue;
            byDocument.set(chunk.documentId, [...(byDocument.get(chunk.documentId) ?? []), chunk]);
        }
        const current = new Set(substantiveSentences(article.text).map((span) => key(span.text)));
        const others = [...byDocument.values()].map((parts) => {
            parts.sort((a, b) => a.part - b.part);
            const first = parts[0];
            const sentences = parts.flatMap((part) => substantiveSentences(part.text).map((span) => span.text));
            const previous = new Set(sentences.map(key));
            return {
                chunk: first,
                ...(first.article?.validFrom ? { validFrom: first.article.validFrom } : {}),
                ...(first.article?.validTo ? { validTo: first.article.validTo } : {}),
                added: substantiveSentences(article.text).map((span) => span.text).filter((sentence) => !previous.has(key(sentence))).slice(0, MAX_CHANGES),
                removed: sentences.filter((sentence) => !current.has(key(sentence))).slice(0, MAX_CHANGES),
            };
        });
        others.sort((a, b) => (b.validFrom ?? '').localeCompare(a.validFrom ?? ''));
        return { ...dates, others };
    }
}
function key(sentence) {
    return foldText(sentence).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
