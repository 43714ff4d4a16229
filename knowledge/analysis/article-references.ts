import { foldText } from './normalise.ts';

/**
 * Legal article references ("article 60 bis", "art. 414", "L. 621-1", "323-1") recognised in text and
 * normalised to one token form, so that "60 bis" and "60bis" or "L. 621-1" and "L621-1" match each other.
 */

export const LATIN_SUFFIXES = [
  'bis', 'ter', 'quater', 'quinquies', 'sexies', 'septies', 'octies', 'nonies', 'novies', 'decies',
] as const;

const SUFFIX = `(?:${LATIN_SUFFIXES.join('|')})`;

/** A number, possibly prefixed by L/R/D (legislative/regulatory parts) and suffixed by bis/ter/…. */
const NUMBER_SOURCE = `(?:([lrd])\\s?\\.?\\s?\\*?\\s?(?=\\d))?(\\d{1,4}(?:-\\d{1,4}){0,3})(?:\\s?(${SUFFIX}))?(?:\\s?-\\s?(\\d{1,2}))?(?![\\w-])`;

/** Matches a token-sized reference inside folded text. Exported for the tokenizer. */
export const REFERENCE_PATTERN = new RegExp(`(?<![\\w-])${NUMBER_SOURCE}`, 'g');

/** "article 414", "art. 60 bis", "articles 60 à 67 bis" (the first number), in folded text. */
const ARTICLE_MENTION = new RegExp(`\\b(?:articles?|art\\.?)\\s+${NUMBER_SOURCE}`, 'g');

const CODE_NAMES: Array<[RegExp, string]> = [
  [/code des douanes/, 'Code des douanes'],
  [/code (?:general )?des impositions sur les biens et services|\bcibs\b/, 'Code des impositions sur les biens et services'],
  [/code general de la fonction publique|\bcgfp\b/, 'Code général de la fonction publique'],
  [/code des pensions civiles et militaires|\bcpcmr\b/, 'Code des pensions civiles et militaires de retraite'],
];

/**
 * Canonical article number, for a number given as such (a record's `num`, a number read after « article »):
 * lower case, no spaces, every step kept — "l621-1", "60bis", "323-1", "67a" ("67 A"), "67terb" ("67 ter B"),
 * "67bis-1a" ("67 bis-1 A"), "59undecies". Idempotent: a canonical number gives itself back.
 */
export function normaliseArticleNumber(raw: string): string {
  return articleNumberSteps(raw).join('');
}

/**
 * The keys a store looks an article number up by: the number itself, then each shorter form of it ("67terb",
 * "67ter", "67"). Bases indexed before numbers kept their letters and long Latin suffixes hold one of the shorter
 * forms ("67 A" was "67"); the chunks found are then told apart by their own number.
 */
export function articleNumberLookupKeys(raw: string): string[] {
  const steps = articleNumberSteps(raw);
  return steps.map((_, index) => steps.slice(0, steps.length - index).join(''));
}

function articleNumberSteps(raw: string): string[] {
  const folded = foldText(raw).replace(/^\s*(?:articles?|art\.?)\s*/, '').trim();
  const head = /^(?:([lrd])\s?\.?\s?\*?\s?)?(\d+)/.exec(folded);
  if (!head) return [folded.replace(/\s+/g, '')];
  const steps = [`${head[1] ?? ''}${head[2]}`];
  // A capital letter stands alone, or is glued to a Latin suffix in a canonical number ("65abis" for "65 A bis").
  const step = new RegExp(`\\s*(?:-\\s*(\\d+)|(${ORDINAL_WORDS})|([a-z])(?:(?![a-z])|(?=${ORDINAL_WORDS})))`, 'y');
  step.lastIndex = head[0].length;
  let match: RegExpExecArray | null;
  while ((match = step.exec(folded))) steps.push(match[1] !== undefined ? `-${match[1]}` : (match[2] ?? match[3] as string));
  return steps;
}

export function referenceToken(match: RegExpExecArray): string {
  const [, prefix, digits, suffix, tail] = match;
  return `${prefix ?? ''}${digits}${suffix ?? ''}${tail ? `-${tail}` : ''}`;
}

export interface ArticleMention {
  /** Normalised number ("60bis", "l621-1"). */
  number: string;
  /** Code named right after the mention ("du code des douanes"), when any. */
  code?: string;
}

/** Article mentions a question makes explicitly ("article 414", "art. L. 621-1 du CGFP"). */
export function findArticleMentions(text: string): ArticleMention[] {
  const folded = foldText(text);
  // The text with its case and accents, aligned with the folded one when folding kept its length (capital letters
  // of "67 A" are told from the verb "67 a" there only).
  const ligatured = text.replace(/[œæŒÆß]/g, (c) => foldText(c));
  const cased = ligatured.length === folded.length ? ligatured : undefined;
  const mentions: ArticleMention[] = [];
  for (const match of folded.matchAll(ARTICLE_MENTION)) {
    const end = (match.index ?? 0) + match[0].length;
    const window = folded.slice(end, end + 80);
    // The code named right after this mention: the earliest one, and not past the next article mention.
    const nextMention = window.search(/\b(?:articles?|art\.?)\s/);
    const after = nextMention < 0 ? window : window.slice(0, nextMention);
    const code = CODE_NAMES.map(([pattern, name]) => ({ at: after.search(pattern), name }))
      .filter((found) => found.at >= 0)
      .sort((a, b) => a.at - b.at)[0]?.name;
    const number = referenceToken(match as unknown as RegExpExecArray) + furtherSteps(folded, cased, end);
    if (!mentions.some((m) => m.number === number)) mentions.push(code ? { number, code } : { number });
  }
  return mentions;
}

/**
 * The steps of a number a mention goes on with after the token the tokenizer knows ("67 ter" › " B", "67" › " D-1",
 * "59" › " undecies"): "-N", a long Latin suffix, a capital letter (in the text as written: "67 a été" is a verb).
 */
function furtherSteps(folded: string, cased: string | undefined, from: number): string {
  const step = new RegExp(`\\s?-\\s?(\\d{1,4})(?![\\w-])|\\s(${ORDINAL_WORDS})(?![\\w-])|\\s?([a-z])(?![\\p{L}\\p{N}'’]|-(?!\\d))`, 'uy');
  let steps = '';
  let at = from;
  for (;;) {
    step.lastIndex = at;
    const match = step.exec(folded);
    if (!match) return steps;
    if (match[3] !== undefined) {
      const letterAt = at + match[0].length - 1;
      if (!cased || !/[A-Z]/.test(cased[letterAt] ?? '')) return steps;
      steps += match[3];
    } else steps += match[1] !== undefined ? `-${match[1]}` : (match[2] as string);
    at += match[0].length;
  }
}

/**
 * Latin multiplicatives in their order (bis = 2 … duovicies = 22), with the spellings Légifrance uses for the
 * same rank ("nonies"/"novies", "sexdecies"/"sexiesdecies"…). Only for ordering: free-text recognition
 * keeps the shorter `LATIN_SUFFIXES`.
 */
const ORDINAL_RANKS: ReadonlyMap<string, number> = new Map(
  [
    ['bis'], ['ter'], ['quater'], ['quinquies'], ['sexies'], ['septies'], ['octies'], ['nonies', 'novies'], ['decies'],
    ['undecies'], ['duodecies'], ['terdecies'], ['quaterdecies'], ['quindecies'], ['sexdecies', 'sexiesdecies'],
    ['septdecies', 'septiesdecies'], ['octodecies', 'octiesdecies', 'duodevicies'], ['novodecies', 'noviesdecies', 'undevicies'], ['vicies'], ['unvicies'], ['duovicies'],
  ].flatMap((spellings, index) => spellings.map((spelling) => [spelling, index + 2] as const)),
);

/** Every spelling of the Latin multiplicatives, longest first (a regex alternation: "quaterdecies" before "quater"). */
const ORDINAL_WORDS = [...ORDINAL_RANKS.keys()].sort((a, b) => b.length - a.length).join('|');

/** One step below an article number: "-3", "bis", "A". */
interface NumberPart {
  /** 1: "-N" (60-1), 2: Latin multiplicative (60 bis), 3: capital letter (64 A). */
  kind: number;
  value: number;
}

interface ParsedNumber {
  /** 0: no prefix, 1: L (legislative part), 2: R or D (regulatory part, interleaved by number). */
  part: number;
  letter: string;
  main: number;
  parts: NumberPart[];
}

/**
 * Reads an article number as a code prints it ("67 bis-1 A", "L. 621-1", "322-00 bis", "65 A bis").
 * Capital letters count only in numbers given as such (a record's `num`, a range end), never in free text,
 * where "67 a" is the verb.
 */
function parseArticleNumber(raw: string): ParsedNumber | undefined {
  const text = foldText(raw).replace(/^\s*(?:articles?|art\.?)\s*/, '').trim();
  const head = /^(?:([lrd])\s?\.?\s?\*?\s?)?(\d+)/.exec(text);
  if (!head) return undefined;
  const parts: NumberPart[] = [];
  const step = /\s*(?:-\s*(\d+)|([a-z]{2,})|([a-z])(?![a-z]))/y;
  step.lastIndex = head[0].length;
  let match: RegExpExecArray | null;
  while ((match = step.exec(text))) {
    const [, digits, word, capital] = match;
    if (digits !== undefined) parts.push({ kind: 1, value: Number(digits), ...(/^0+$/.test(digits) ? { zeros: digits.length } : {}) } as NumberPart);
    else if (word !== undefined) {
      const rank = ORDINAL_RANKS.get(word);
      if (rank === undefined) break;
      const previous = parts.at(-1) as (NumberPart & { zeros?: number }) | undefined;
      // "322-0 bis" and "322-00 bis" were inserted just before "322 bis" (Légifrance's order).
      if (previous?.zeros) parts.splice(-1, 1, { kind: 2, value: rank - 1 / (previous.zeros + 1) });
      else parts.push({ kind: 2, value: rank });
    } else if (capital !== undefined) parts.push({ kind: 3, value: capital.charCodeAt(0) });
  }
  const letter = head[1] ?? '';
  return { part: letter === '' ? 0 : letter === 'l' ? 1 : 2, letter, main: Number(head[2]), parts };
}

/**
 * The identity of an article number given as such ("67 bis-1 A" → "67bis-1a", "L. 621-1" → "l621-1"): two
 * numbers are the same article when their keys are equal. Unlike `normaliseArticleNumber`, "67 A" is not "67".
 */
export function articleNumberKey(raw: string): string {
  return foldText(raw).replace(/^\s*(?:articles?|art\.?)\s*/, '').replace(/[\s.*]+/g, '');
}

/**
 * Order of article numbers within a code, as Légifrance prints it, for stores that do not keep the source
 * order: a number comes before everything inserted after it, and what is inserted comes in this order:
 * "-N" (by N), then bis, ter … vicies, then capital letters, each with its own insertions after it:
 * 60 < 60-1 < 60-10 < 60 bis < 61; 65 bis < 65 bis A < 65 ter < 65 quinquies < 65 A < 65 A bis < 65 B < 66;
 * "L112-2" < "L112-10"; legislative (L) before regulatory (R and D, interleaved by number).
 * The source's own order remains the reference where it is known (a few insertions, such as "67 ter A"
 * printed before "67 ter", follow no rule).
 */
export function compareArticleNumbers(a: string, b: string): number {
  const left = parseArticleNumber(a);
  const right = parseArticleNumber(b);
  if (!left || !right) return left ? -1 : right ? 1 : foldText(a).localeCompare(foldText(b));
  if (left.part !== right.part) return left.part - right.part;
  if (left.main !== right.main) return left.main - right.main;
  for (let i = 0; i < Math.max(left.parts.length, right.parts.length); i++) {
    const x = left.parts[i];
    const y = right.parts[i];
    // The article itself comes before what was inserted after it.
    if (!x || !y) return x ? 1 : -1;
    if (x.kind !== y.kind) return x.kind - y.kind;
    if (x.value !== y.value) return x.value - y.value;
  }
  return left.letter < right.letter ? -1 : left.letter > right.letter ? 1 : 0;
}
