import { analyse } from "../analysis/french-analyser.js";
import { STOP_WORDS } from "../analysis/stop-words.js";
import { sentenceScore, substantiveSentences, isNormative } from "../answering/decisive-sentence.js";
import { textHash } from "../enrichment/enrichment.js";
import { NUMBER_WORDS_SOURCE, numberToWords, parseFrenchNumber } from "./french-numbers.js";
import { runAtOnce, runCooperatively } from "./cooperative.js";
import { quizItemId } from "./quiz-item.js";
/** Items per document at most. */
const MAX_ITEMS_PER_DOCUMENT = 2;
/** Choices per item (the answer and its distractors). */
const CHOICES = 4;
export function generateQuiz(chunks) {
    return runAtOnce(quizSteps(chunks));
}
/**
 * `generateQuiz` that hands the event loop back every few milliseconds: a base of thousands of articles takes
 * seconds, and the bot process must keep acknowledging messages meanwhile.
 */
export function generateQuizCooperatively(chunks, budgetMs) {
    return runCooperatively(quizSteps(chunks), budgetMs);
}
/** The whole writing, one document at a time in each phase: documents, word frequencies, key elements, siblings, items. */
function* quizSteps(chunks) {
    const documents = [];
    for (const parts of groupChunks(chunks)) {
        documents.push(documentOf(parts));
        yield;
    }
    const frequency = new Map();
    for (const document of documents) {
        for (const word of new Set(document.folded.match(WORD) ?? []))
            frequency.set(word, (frequency.get(word) ?? 0) + 1);
        yield;
    }
    const rare = (word) => {
        const count = frequency.get(word) ?? 0;
        return count >= 2 && count <= Math.max(3, documents.length * 0.03);
    };
    for (const document of documents) {
        Object.assign(document, keyElements(document, rare));
        yield;
    }
    const siblings = new SiblingIndex();
    for (const document of documents) {
        siblings.add(document);
        yield;
    }
    const items = [];
    for (const document of documents) {
        items.push(...itemsOf(document, rare, siblings));
        yield;
    }
    return { items, documents: documents.length, documentsWithItems: new Set(items.map((item) => item.documentId)).size };
}
function itemsOf(document, rare, siblings) {
    const sentences = document.chunks.flatMap((chunk) => substantiveSentences(chunk.text).map((span) => ({ chunk, text: span.text })));
    const items = [];
    const used = new Set();
    const tryAdd = (sentence, situation) => {
        if (used.has(sentence.text) || items.length >= MAX_ITEMS_PER_DOCUMENT)
            return;
        const givenAway = new Set(situation ? analyse(situation).terms : []);
        const candidate = candidatesIn(sentence.text, document, rare, siblings, givenAway).next().value;
        if (!candidate)
            return;
        used.add(sentence.text);
        items.push(buildItem(document, sentence.chunk, sentence.text, candidate, situation));
    };
    for (const question of document.questions) {
        const wanted = new Set(analyse(question).terms);
        const ranked = sentences
            .map((sentence, index) => ({ sentence, index, score: sentenceScore(wanted, sentence.text) }))
            .filter((entry) => entry.score >= 1)
            .sort((a, b) => b.score - a.score || a.index - b.index);
        for (const entry of ranked.slice(0, 2)) {
            const before = items.length;
            tryAdd(entry.sentence, question);
            if (items.length > before)
                break;
        }
    }
    const normativeFirst = sentences.map((sentence, index) => ({ sentence, index, rule: isNormative(sentence.text) })).sort((a, b) => Number(b.rule) - Number(a.rule) || a.index - b.index);
    for (const entry of normativeFirst)
        tryAdd(entry.sentence, undefined);
    return items;
}
function buildItem(document, chunk, sentence, candidate, situation) {
    const answer = sentence.slice(candidate.start, candidate.start + candidate.length);
    const id = quizItemId(document.kb, document.documentId, sentence, answer);
    const random = seededRandom(id);
    const answerIndex = Math.floor(random() * CHOICES);
    const choices = [...candidate.distractors.slice(0, CHOICES - 1)];
    choices.splice(answerIndex, 0, answer);
    return {
        id,
        kb: document.kb,
        documentId: document.documentId,
        chunk,
        kind: candidate.kind,
        ...(situation ? { situation } : {}),
        sentence,
        blank: { start: candidate.start, length: candidate.length },
        answer,
        choices,
        answerIndex,
        textHash: textHash(document.text),
    };
}
/**
 * The blanks a sentence offers, best first, each with enough distractors; a blank the situation question
 * already gives away (it shares a content term with it) is skipped. Lazy: distractors are only looked for
 * until one blank has them.
 */
function* candidatesIn(sentence, document, rare, siblings, givenAway) {
    const folded = foldKeepingLength(sentence);
    const once = (start, needle) => folded.indexOf(needle) === start && folded.indexOf(needle, start + 1) < 0;
    const free = (start, length) => !analyse(sentence.slice(start, start + length)).terms.some((term) => givenAway.has(term));
    const taken = [];
    const available = (start, length) => !taken.some((other) => start < other.start + other.length && other.start < start + length);
    for (const match of folded.matchAll(QUANTITY)) {
        const start = match.index ?? 0;
        const length = match[0].length;
        taken.push({ start, length });
        if (!once(start, match[0]) || !free(start, length))
            continue;
        const distractors = quantityDistractors(sentence.slice(start, start + length), document.folded);
        if (distractors.length >= CHOICES - 1)
            yield { kind: 'quantity', start, length, distractors };
    }
    // Terms holding a figure ("2 tonnes") would get word distractors: quantities are blanked as quantities only.
    for (const term of [...document.terms].filter((candidate) => !/\d/.test(candidate)).sort((a, b) => b.length - a.length)) {
        const needle = foldKeepingLength(term);
        const start = wordIndex(folded, needle);
        if (start < 0 || !available(start, needle.length))
            continue;
        taken.push({ start, length: needle.length });
        if (!once(start, needle) || !free(start, needle.length))
            continue;
        const distractors = siblings.distractors(document, sentence.slice(start, start + needle.length), 'termKeys');
        if (distractors.length >= CHOICES - 1)
            yield { kind: 'term', start, length: needle.length, distractors };
    }
    for (const match of folded.matchAll(WORD)) {
        const start = match.index ?? 0;
        const word = match[0];
        if (!isKeyWord(word, rare) || !available(start, word.length) || !once(start, word) || !free(start, word.length))
            continue;
        const distractors = siblings.distractors(document, sentence.slice(start, start + word.length), 'wordKeys');
        if (distractors.length >= CHOICES - 1)
            yield { kind: 'term', start, length: word.length, distractors };
    }
}
/** Noun endings (folded): a blanked rare word and its distractors are nouns of the same ending. */
const NOUN_ENDING = /(?:tion|sion|ment|ance|ence|age|ure|eur|isme)s?$/;
/** Adverbs share the ending -ment ("respectivement", "directement", "notamment"); nouns in -ement are kept. */
const ADVERB_ENDING = /(?:ivement|alement|iquement|ellement|ablement|iblement|amment|emment|ctement|ulement|airement|eusement|ierement|atement|ntement|brement|urement)$/;
/** Nouns of the legal style that say nothing by themselves ("à l'occasion de", "sous réserve de"): never blanked. */
const GENERIC_NOUNS = new Set(['occasion', 'condition', 'conditions', 'application', 'disposition', 'dispositions', 'exception', 'fonction', 'fonctions', 'situation', 'situations', 'mention', 'mentions', 'ensemble', 'moment', 'mesure', 'mesures', 'procedure', 'procedures']);
function isKeyWord(word, rare) {
    return word.length >= 7 && NOUN_ENDING.test(word) && !ADVERB_ENDING.test(word) && !GENERIC_NOUNS.has(word) && !STOP_WORDS.has(word) && rare(word);
}
const UNIT_SCALES = [
    { pattern: 'ans?', ladder: [1, 2, 3, 4, 5, 6, 7, 10, 15, 20, 30], singular: 'an', plural: 'ans', feminine: false },
    { pattern: 'annees?', ladder: [1, 2, 3, 4, 5, 6, 10, 15, 20], singular: 'année', plural: 'années', feminine: true },
    { pattern: 'mois', ladder: [1, 2, 3, 4, 6, 9, 12, 18, 24, 36], singular: 'mois', plural: 'mois', feminine: false },
    { pattern: 'semaines?', ladder: [1, 2, 3, 4, 6, 8, 10, 12, 16], singular: 'semaine', plural: 'semaines', feminine: true },
    { pattern: 'jours?', ladder: [1, 2, 3, 5, 8, 10, 15, 21, 30, 45, 60, 90], singular: 'jour', plural: 'jours', feminine: false },
    { pattern: 'heures?', ladder: [1, 2, 4, 6, 12, 24, 48, 72, 96], singular: 'heure', plural: 'heures', feminine: true },
    { pattern: 'euros?', ladder: [], singular: 'euro', plural: 'euros', feminine: false },
    { pattern: '%|pour cent', ladder: [1, 2, 3, 5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 80, 90, 100], singular: 'pour cent', plural: 'pour cent', feminine: false },
];
const QUANTITY = new RegExp(`(?<![\\p{L}\\d,])${NUMBER_WORDS_SOURCE} ?(?:${UNIT_SCALES.map((unit) => unit.pattern).join('|')})(?![\\p{L}])`, 'gu');
const WHOLE_QUANTITY = new RegExp(`^${QUANTITY.source}$`, 'u');
const WORD = /\p{L}+/gu;
/** Three other quantities in the answer's unit and style, on the unit's usual scale, none in the document. */
function quantityDistractors(answer, foldedDocument) {
    const parts = splitQuantity(answer);
    if (!parts)
        return [];
    const { value, inWords, separator, unit, scale } = parts;
    const ladder = scale.ladder.length > 0 ? scale.ladder : amountLadder(value);
    const present = new Set([...foldedDocument.matchAll(QUANTITY)].filter((match) => splitQuantity(match[0])?.scale === scale).map((match) => splitQuantity(match[0])?.value));
    const options = ladder.filter((candidate) => candidate !== value && !present.has(candidate) && (!inWords || numberToWords(candidate) !== undefined));
    // The answer's nearest neighbours on the scale (by ratio), shown in increasing order.
    options.sort((a, b) => Math.abs(Math.log(a / value)) - Math.abs(Math.log(b / value)) || a - b);
    return options.slice(0, CHOICES - 1).sort((a, b) => a - b).map((candidate) => formatQuantity(candidate, inWords, separator, unit, scale));
}
const QUANTITY_PARTS = new RegExp(`^(${NUMBER_WORDS_SOURCE})(\\s?)(.+)$`, 'u');
/** "trois ans" → 3, in words, " ", "ans", the years' scale; undefined when not a quantity of a known unit. */
function splitQuantity(text) {
    const match = QUANTITY_PARTS.exec(foldKeepingLength(text));
    if (!match)
        return undefined;
    const numberText = match[1];
    const separator = match[2];
    const unit = text.slice(numberText.length + separator.length);
    const scale = UNIT_SCALES.find((candidate) => new RegExp(`^(?:${candidate.pattern})$`).test(foldKeepingLength(unit)));
    const value = parseFrenchNumber(numberText);
    if (!scale || value === undefined || value <= 0)
        return undefined;
    return { value, inWords: /^\p{L}/u.test(numberText), separator, unit, scale };
}
/** The value and unit of a quantity ("trois ans", "3 années" → 3, "an"), or undefined. For reading answers. */
export function quantityOf(text) {
    const parts = splitQuantity(text.trim());
    return parts ? { value: parts.value, unit: parts.scale.singular === 'année' ? 'an' : parts.scale.singular } : undefined;
}
function amountLadder(value) {
    const steps = [0.1, 0.2, 0.5, 2, 5, 10];
    return steps.map((step) => roundAmount(value * step)).filter((amount) => amount > 0 && amount !== value);
}
function roundAmount(amount) {
    const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(amount)) - 1);
    return Math.round(amount / magnitude) * magnitude;
}
function formatQuantity(value, inWords, separator, unit, scale) {
    let number = inWords ? numberToWords(value) : value.toLocaleString('fr-FR').replace(/[\u202f\u00a0]/g, ' ');
    if (inWords && value === 1 && scale.feminine)
        number = 'une';
    // The text's own unit spelling ("%", "ans", "années"), made singular or plural.
    return `${number}${separator}${value > 1 ? plural(unit, scale) : singular(unit, scale)}`;
}
function plural(unit, scale) {
    return foldKeepingLength(unit) === foldKeepingLength(scale.singular) ? scale.plural : unit;
}
function singular(unit, scale) {
    return foldKeepingLength(unit) === foldKeepingLength(scale.plural) ? scale.singular : unit;
}
// Documents, key elements, siblings -------------------------------------------------------------------------
/** The chunks of each document, in part order, documents by id. */
function groupChunks(chunks) {
    const byDocument = new Map();
    for (const chunk of chunks) {
        const key = `${chunk.kb}\n${chunk.documentId}`;
        const list = byDocument.get(key) ?? [];
        list.push(chunk);
        byDocument.set(key, list);
    }
    return [...byDocument.values()]
        .map((parts) => parts.sort((a, b) => a.part - b.part))
        .sort((a, b) => (a[0].documentId < b[0].documentId ? -1 : a[0].documentId > b[0].documentId ? 1 : 0));
}
function documentOf(parts) {
    const first = parts[0];
    const text = parts.map((chunk) => chunk.text).join('\n\n');
    const enrichment = parseEnrichment(first.enrichment?.text);
    return { kb: first.kb, documentId: first.documentId, chunks: parts, text, folded: foldKeepingLength(text), questions: enrichment.questions, terms: enrichment.terms, termKeys: [], wordKeys: [] };
}
/** The indexed enrichment (subject, questions, then the terms joined by " ; ", one per line) read back. */
export function parseEnrichment(text) {
    if (!text)
        return { questions: [], terms: [] };
    const lines = text.split('\n');
    if (lines.length < 3)
        return { questions: lines.slice(1), terms: [] };
    const terms = lines[lines.length - 1].split(' ; ').map((term) => term.trim()).filter(Boolean);
    return { questions: lines.slice(1, -1).filter((line) => line.trim() !== ''), terms };
}
/** The document's key elements as written in it: the agents' terms found in its text, and its rare nouns. */
function keyElements(document, rare) {
    const termKeys = [];
    // Quantities ("deux ans", "2 tonnes") are never distractors of a term.
    for (const term of document.terms.filter((candidate) => !/\d/.test(candidate) && !WHOLE_QUANTITY.test(foldKeepingLength(candidate)))) {
        const at = wordIndex(document.folded, foldKeepingLength(term));
        if (at >= 0)
            termKeys.push(document.text.slice(at, at + term.length));
    }
    const wordKeys = [];
    for (const match of document.folded.matchAll(WORD)) {
        // Rare nouns are common nouns: a capital they owe to a sentence start is dropped.
        if (isKeyWord(match[0], rare))
            wordKeys.push(lowerFirst(document.text.slice(match.index ?? 0, (match.index ?? 0) + match[0].length)));
    }
    const unique = (keys) => [...new Map(keys.map((key) => [foldKeepingLength(key), key])).values()];
    return { termKeys: unique(termKeys), wordKeys: unique(wordKeys) };
}
/**
 * Distractors from the closest documents first: same headings, then the same top heading, then the base.
 * Term blanks take other documents' agents' terms of about the same length in words; word blanks, other
 * documents' rare nouns of the same ending. Never an element the document itself uses.
 */
class SiblingIndex {
    tiers = new Map();
    entries = new Map();
    /** Puts a document's key elements in its tiers (its headings, its top heading, its base). */
    add(document) {
        const entry = (key) => this.entries.get(key) ?? this.entries.set(key, poolEntry(key)).get(key);
        for (const key of tierKeys(document)) {
            const tier = this.tiers.get(key) ?? { termKeys: [], wordKeys: [] };
            tier.termKeys.push(...document.termKeys.map(entry));
            tier.wordKeys.push(...document.wordKeys.map(entry));
            this.tiers.set(key, tier);
        }
    }
    /** Up to three key elements of other documents, shaped like `answer`, that `document` never uses. */
    distractors(document, answer, kind) {
        const target = poolEntry(answer);
        const random = seededRandom(`${document.documentId}\n${target.folded}`);
        const picked = new Map();
        const fits = (entry, sameEnding) => {
            if (picked.has(entry.stems) || entry.stems === target.stems || entry.folded.includes(target.folded) || target.folded.includes(entry.folded))
                return false;
            if (target.words === 1 ? entry.words !== 1 : entry.words < 2 || Math.abs(entry.words - target.words) > 1)
                return false;
            if (sameEnding && entry.ending !== target.ending)
                return false;
            return wordIndex(document.folded, entry.folded) < 0;
        };
        // Single words of the same ending first (nouns with nouns, participles with participles); rare nouns only so.
        const passes = kind === 'wordKeys' ? [true] : target.words === 1 ? [true, false] : [false];
        for (const sameEnding of passes) {
            for (const tierKey of tierKeys(document)) {
                const pool = this.tiers.get(tierKey)?.[kind] ?? [];
                // A seeded starting point, then the whole pool once: deterministic, and no full shuffle per blank.
                const offset = Math.floor(random() * pool.length);
                for (let i = 0; i < pool.length && picked.size < CHOICES - 1; i++) {
                    const entry = pool[(offset + i) % pool.length];
                    if (fits(entry, sameEnding))
                        picked.set(entry.stems, matchCase(entry.key, answer));
                }
                if (picked.size >= CHOICES - 1)
                    return [...picked.values()];
            }
        }
        return [...picked.values()];
    }
}
function poolEntry(key) {
    const folded = foldKeepingLength(key);
    return { key, folded, stems: analyse(key).terms.join(' ') || folded, words: folded.split(/\s+/).length, ending: folded.replace(/s$/, '').slice(-3) };
}
/** The sibling tiers of a document, closest first. */
function tierKeys(document) {
    const headings = document.chunks[0].headingPath;
    return [`path\n${document.kb}\n${headings.join('\n')}`, `top\n${document.kb}\n${headings[0] ?? ''}`, `base\n${document.kb}`];
}
function lowerFirst(word) {
    return /^\p{Lu}\p{Ll}/u.test(word) ? word[0].toLowerCase() + word.slice(1) : word;
}
function add(map, key, value) {
    const list = map.get(key) ?? [];
    list.push(value);
    map.set(key, list);
}
/** A distractor as written in its text, with a capital when the answer starts with one (a sentence start). */
function matchCase(key, answer) {
    return /^\p{Lu}/u.test(answer) ? key[0].toUpperCase() + key.slice(1) : key;
}
// Text helpers ----------------------------------------------------------------------------------------------
/** Lower case without accents, one character for one (offsets stay valid), plain apostrophes and spaces. */
export function foldKeepingLength(text) {
    let folded = '';
    for (const char of text) {
        if (char.length !== 1) {
            folded += ' ';
            continue;
        }
        const base = char.normalize('NFD')[0] ?? char;
        folded += /[\u2018\u2019\u02bc]/.test(char) ? "'" : /[\u00a0\u202f\u2009]/.test(char) ? ' ' : /[\u2010-\u2015]/.test(char) ? '-' : base.toLowerCase().length === 1 ? base.toLowerCase() : base;
    }
    return folded;
}
/** Index of `needle` in `haystack` as whole words (folded texts), or -1. */
export function wordIndex(haystack, needle) {
    if (needle.trim() === '')
        return -1;
    let at = haystack.indexOf(needle);
    while (at >= 0) {
        const before = haystack[at - 1];
        const after = haystack[at + needle.length];
        if ((before === undefined || !/[\p{L}\d]/u.test(before)) && (after === undefined || !/[\p{L}\d]/u.test(after)))
            return at;
        at = haystack.indexOf(needle, at + 1);
    }
    return -1;
}
/** A deterministic generator in [0, 1) seeded by a string (mulberry32 over a 32-bit FNV-1a hash). */
export function seededRandom(seed) {
    let state = 2166136261;
    for (let i = 0; i < seed.length; i++)
        state = Math.imul(state ^ seed.charCodeAt(i), 16777619);
    return () => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
