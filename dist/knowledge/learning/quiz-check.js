import { textHash } from "../enrichment/enrichment.js";
import { foldKeepingLength, wordIndex } from "./quiz-generator.js";
export function checkItem(item, documentText) {
    const problems = [];
    if (textHash(documentText) !== item.textHash)
        problems.push('text-changed');
    const text = collapse(foldKeepingLength(documentText));
    const answerAtBlank = item.sentence.slice(item.blank.start, item.blank.start + item.blank.length) === item.answer;
    if (!answerAtBlank || item.answer.trim() === '' || !text.includes(collapse(foldKeepingLength(item.sentence))) || wordIndex(text, collapse(foldKeepingLength(item.answer))) < 0) {
        problems.push('answer-not-in-text');
    }
    const distractors = item.choices.filter((_, index) => index !== item.answerIndex);
    if (distractors.some((choice) => wordIndex(text, collapse(foldKeepingLength(choice))) >= 0))
        problems.push('distractor-in-text');
    const distinct = new Set(item.choices.map((choice) => collapse(foldKeepingLength(choice))));
    if (item.choices.length !== 4 || distinct.size !== 4 || item.choices[item.answerIndex] !== item.answer)
        problems.push('choices-invalid');
    return { ok: problems.length === 0, problems };
}
function collapse(text) {
    return text.replace(/\s+/g, ' ').trim();
}
