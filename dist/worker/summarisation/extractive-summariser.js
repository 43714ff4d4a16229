import { analyse } from "../../knowledge/analysis/french-analyser.js";
/**
 * Summary without a model: sentences scored by how central their words are to the whole text (term
 * frequency over the document, damped by sentence length, with a bonus for the opening of a section),
 * the best kept in their original order under their section heading with its reference. Always returns.
 */
const BUDGET = { court: 10, detaille: 40 };
const PER_SECTION = { court: 2, detaille: 5 };
export function extractiveSummary(input) {
    const frequencies = new Map();
    const sentences = [];
    input.sections.forEach((section, sectionIndex) => {
        splitSentences(section.text).forEach((text, position) => {
            const terms = analyse(text).terms;
            for (const term of new Set(terms))
                frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
            sentences.push({ section: sectionIndex, position, text, score: terms.length });
        });
    });
    for (const sentence of sentences) {
        const terms = [...new Set(analyse(sentence.text).terms)];
        const weight = terms.reduce((sum, term) => sum + Math.log(1 + (frequencies.get(term) ?? 0)), 0);
        const lengthPenalty = Math.sqrt(Math.max(terms.length, 4));
        sentence.score = terms.length < 4 ? 0 : (weight / lengthPenalty) * (sentence.position === 0 ? 1.3 : 1);
    }
    const budget = Math.max(BUDGET[input.length], Math.min(input.sections.length, BUDGET[input.length] * 2));
    const perSection = new Map();
    const kept = new Set();
    for (const sentence of [...sentences].sort((a, b) => b.score - a.score)) {
        if (kept.size >= budget)
            break;
        if (sentence.score === 0)
            continue;
        const count = perSection.get(sentence.section) ?? 0;
        if (count >= PER_SECTION[input.length])
            continue;
        perSection.set(sentence.section, count + 1);
        kept.add(sentence);
    }
    const lines = [`# Résumé ${input.length === 'court' ? 'court' : 'détaillé'} — ${input.title}`, ''];
    input.sections.forEach((section, index) => {
        const chosen = sentences.filter((sentence) => sentence.section === index && kept.has(sentence));
        if (chosen.length === 0)
            return;
        lines.push(`## ${section.heading}${section.reference ? ` (${section.reference})` : ''}`);
        for (const sentence of chosen)
            lines.push(`- ${sentence.text}`);
        lines.push('');
    });
    if (kept.size === 0)
        lines.push('_Le texte ne contient pas de phrase exploitable pour un résumé._');
    lines.push('_Résumé extractif : phrases reprises telles quelles du texte, sans reformulation._');
    return { markdown: lines.join('\n').trim(), method: 'extractive', inputTokens: 0, outputTokens: 0 };
}
export function splitSentences(text) {
    return (text.replace(/\s+/g, ' ').match(/[^.!?;]+(?:[.!?;]+|$)/g) ?? [])
        .map((sentence) => sentence.trim())
        .filter((sentence) => sentence.length > 20 && /[\p{L}]{3}/u.test(sentence))
        .map((sentence) => (sentence.length > 400 ? `${sentence.slice(0, 399)}…` : sentence));
}
