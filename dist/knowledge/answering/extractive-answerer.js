import { analyse } from "../analysis/french-analyser.js";
import { citationOf } from "./citations.js";
import { highlightDecisive } from "./decisive-sentence.js";
const MAX_QUOTE_CHARS = 600;
export function extractiveAnswer(question, passages, maxPassages = 3) {
    const chosen = choosePassages(passages, maxPassages);
    const terms = new Set(analyse(question).terms);
    const citations = chosen.map((passage, index) => citationOf(passage.chunk, index + 1));
    const blocks = chosen.map((passage, index) => {
        const citation = citations[index];
        const best = bestSentences(passage.chunk.text, terms, MAX_QUOTE_CHARS);
        const quote = index === 0 ? highlightDecisive(best, question) : best;
        return `**${citation.title}** [${citation.index}]\n${quote.split('\n').map((line) => `> ${line}`).join('\n')}`;
    });
    const intro = chosen.length === 1 ? 'Le texte le plus pertinent trouvé :' : 'Les textes les plus pertinents trouvés :';
    return { text: `${intro}\n\n${blocks.join('\n\n')}`, citations };
}
/** The named articles, then the best-scored passages, one per document, keeping those close to the best. */
function choosePassages(passages, max) {
    const chosen = [];
    const documents = new Set();
    const best = passages.find((passage) => !passage.namedInQuestion)?.score ?? 0;
    for (const passage of passages) {
        if (chosen.length >= max)
            break;
        if (documents.has(passage.chunk.documentId) && !passage.namedInQuestion)
            continue;
        if (!passage.namedInQuestion && chosen.length > 0 && passage.score < best * 0.6)
            continue;
        chosen.push(passage);
        documents.add(passage.chunk.documentId);
    }
    return chosen;
}
/** Keeps the text when short; otherwise the highest-overlap sentences in their original order. */
function bestSentences(text, terms, maxChars) {
    const clean = text.trim();
    if (clean.length <= maxChars)
        return clean;
    const sentences = clean.match(/[^.!?;\n]+(?:[.!?;]+|\n|$)/g)?.map((sentence) => sentence.trim()).filter(Boolean) ?? [clean];
    const scored = sentences.map((sentence, index) => ({
        index,
        sentence,
        score: analyse(sentence).terms.filter((term) => terms.has(term)).length,
    }));
    const picked = [];
    let size = 0;
    for (const candidate of [...scored].sort((a, b) => b.score - a.score || a.index - b.index)) {
        if (size + candidate.sentence.length > maxChars && picked.length > 0)
            continue;
        picked.push(candidate);
        size += candidate.sentence.length + 1;
        if (size >= maxChars)
            break;
    }
    picked.sort((a, b) => a.index - b.index);
    const parts = [];
    picked.forEach((entry, position) => {
        const previous = picked[position - 1];
        if ((position === 0 && entry.index > 0) || (previous && entry.index > previous.index + 1))
            parts.push('[…]');
        parts.push(entry.sentence.length > maxChars ? `${entry.sentence.slice(0, maxChars - 1)}…` : entry.sentence);
    });
    if ((picked[picked.length - 1]?.index ?? 0) < sentences.length - 1)
        parts.push('[…]');
    return parts.join(' ');
}
