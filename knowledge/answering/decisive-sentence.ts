import { analyse } from '../analysis/french-analyser.ts';
import { foldText } from '../analysis/normalise.ts';

/**
 * The decisive sentence of a text for a question: the sentence an agent should read first, quoted verbatim
 * and highlighted before any paraphrase (answers that teach, `explique`, quiz items). Chosen by the share of
 * the question's content terms it holds, with a small preference for normative sentences (what the law
 * permits, requires, punishes or defines); ties go to the earlier sentence.
 */

export interface SentenceSpan {
  /** The sentence as written (trimmed), a substring of the text. */
  text: string;
  /** Offset of `text` in the source text. */
  start: number;
}

/** Shortest span worth quoting on its own ("1°", "Article 2." are not sentences). */
const MIN_SENTENCE_CHARS = 20;

/** Words after which a full stop does not end a sentence ("art. 414", "L. 621-1", "n° 3", "al. 2"). */
const ABBREVIATIONS = new Set(['art', 'arts', 'al', 'cf', 'l', 'r', 'd', 'n', 'no', 'p', 'pp', 'ex', 'etc', 'm', 'mm', 'mme', 'st', 'ste', 'min', 'max', 'chap', 'sect', 'ann', 'i', 'ii', 'iii', 'iv', 'v', 'vi']);

/** Phrases of rules: permissions, obligations, sanctions, definitions, time limits. Folded text. */
const NORMATIVE = /\b(peut|peuvent|doit|doivent|est tenue?s?|sont tenue?s?|a droit|ont droit|est puni|sont punis|passibles?|interdit|obligatoire|dans un delai|au plus tard|au moins|ne peut|ne peuvent|on entend par|sont reputee?s?|est reputee?|est considere|sont considere|s'entend)\b/;

/**
 * Sentences of a text with their offsets: split at line breaks, at `;`, and at `.`, `!`, `?` followed by a
 * space and a capital letter, a quote or a digit — never after an abbreviation ("art.", "L.").
 */
export function sentencesOf(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  let start = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const trimmed = raw.trim();
    if (trimmed !== '') spans.push({ text: trimmed, start: start + raw.indexOf(trimmed) });
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\n') {
      push(i);
      continue;
    }
    if (char === ';' || ((char === '.' || char === '!' || char === '?') && endsSentence(text, i))) push(i + 1);
  }
  push(text.length);
  return spans;
}

function endsSentence(text: string, at: number): boolean {
  const next = text.slice(at + 1, at + 3);
  if (next !== '' && !/^\s/.test(next)) return false;
  const following = text.slice(at + 1).trimStart()[0];
  if (following !== undefined && !/[\p{Lu}«"“(\d]/u.test(following)) return false;
  const word = /([\p{L}°]+)\s*$/u.exec(text.slice(Math.max(0, at - 12), at))?.[1];
  return !(word && ABBREVIATIONS.has(foldText(word)));
}

/** The sentences long enough to stand alone, or every sentence when none is. */
export function substantiveSentences(text: string): SentenceSpan[] {
  const all = sentencesOf(text);
  const long = all.filter((span) => span.text.length >= MIN_SENTENCE_CHARS && /\p{L}{3}/u.test(span.text));
  return long.length > 0 ? long : all;
}

/** The decisive sentence of `text` for `question`, or undefined when the text holds no sentence. */
export function decisiveSentence(question: string, text: string): SentenceSpan | undefined {
  const wanted = new Set(analyse(question).terms);
  let best: { span: SentenceSpan; score: number } | undefined;
  for (const span of substantiveSentences(text)) {
    const score = sentenceScore(wanted, span.text);
    if (!best || score > best.score) best = { span, score };
  }
  return best?.span;
}

/** How well a sentence answers a question: the question's content terms it holds, +0.5 when it states a rule. */
export function sentenceScore(questionTerms: ReadonlySet<string>, sentence: string): number {
  const terms = new Set(analyse(sentence).terms);
  let shared = 0;
  for (const term of questionTerms) if (terms.has(term)) shared += 1;
  return shared + (isNormative(sentence) ? 0.5 : 0);
}

/** Whether a sentence states a rule (permits, requires, punishes, defines, sets a time limit). */
export function isNormative(sentence: string): boolean {
  return NORMATIVE.test(foldText(sentence));
}

/**
 * The quote with its decisive sentence in bold (Markdown), each line on its own so that the bold never spans
 * a blockquote line break; unchanged when the sentence cannot be marked safely (it holds `*` or `_`).
 */
export function highlightDecisive(quote: string, question: string): string {
  const sentence = decisiveSentence(question, quote.replace(/\[…\]/g, '\n'));
  if (!sentence || /[*_]/.test(sentence.text)) return quote;
  const at = quote.indexOf(sentence.text);
  if (at < 0) return quote;
  return `${quote.slice(0, at)}**${sentence.text}**${quote.slice(at + sentence.text.length)}`;
}

/** At most `max` characters of a sentence, cut at a word and marked "[…]" (still verbatim up to the cut). */
export function clipSentence(sentence: string, max: number): string {
  if (sentence.length <= max) return sentence;
  return `${cutAtWord(sentence, max)} […]`;
}

/**
 * At most `max` characters of `text`, ending at a word's end (before a space, or after an apostrophe's word
 * only when whole): never « l'ob ». A single word longer than a third of `max` is cut where it must be.
 */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max + 1);
  const boundary = cut.search(/\s\S*$/);
  return (boundary > max / 3 ? cut.slice(0, boundary) : text.slice(0, max)).replace(/[\s,;:(«'’-]+$/u, '');
}

/** Longest decisive sentence quoted before a generated answer, characters. */
const MAX_DECISIVE_CHARS = 500;

/**
 * The block shown before a generated answer: the decisive sentence of its first cited passage, verbatim and
 * in bold, with that passage's title and marker. `label` is the channel-agnostic French heading the core
 * chooses. Undefined when no cited passage is among `passages`.
 */
export function decisiveQuote(
  question: string,
  passages: ReadonlyArray<{ chunk: { id: string; text: string } }>,
  citations: ReadonlyArray<{ index: number; id: string; title: string }>,
  label: string,
): string | undefined {
  const first = [...citations].sort((a, b) => a.index - b.index)[0];
  const passage = first && passages.find((candidate) => candidate.chunk.id === first.id);
  const sentence = passage && decisiveSentence(question, passage.chunk.text);
  if (!first || !sentence) return undefined;
  const text = clipSentence(sentence.text, MAX_DECISIVE_CHARS);
  return `${label} — ${first.title} [${first.index}] :\n> ${/[*_]/.test(text) ? text : `**${text}**`}`;
}
