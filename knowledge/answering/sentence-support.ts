import { contentTerm } from '../analysis/french-analyser.ts';
import { loadDefaultLexicon } from '../analysis/lexicon.ts';
import { tokenize } from '../analysis/tokenizer.ts';
import { foldText } from '../analysis/normalise.ts';
import { NUMBER_WORDS_SOURCE, parseFrenchNumber } from '../learning/french-numbers.ts';

/**
 * Lexical entailment: does a passage support a sentence? The score is the share of the sentence's checkable
 * items found in the passage — content stems (or, for long words, their 5-letter prefix, which joins
 * "constater" and "constatation"), numbers (digits and number words meet: "trois ans" and "3 ans") and
 * negated terms ("n'est pas punie" needs a negation of "punie" in the passage). The model's discourse words
 * ("selon", "prévoit", "article"…) are not claims. The agent's question gives nothing: an answer restating its
 * premise ("oui, les agents peuvent fouiller la nuit") must find it in the passage; the trade's lexicon (knowledge/analysis/lexicon.yaml) reads
 * the model's paraphrase ("fouiller" is found as "visite"). A sentence under {@link SUPPORT_THRESHOLD} is unsupported.
 *
 * Calibrated on test/fixtures/citations/support-pairs.jsonl (real passages of the corpus, one supported and
 * one unsupported sentence or more each): docs/retrieval.md, BENCHMARKS.md.
 */

/** Score under which a sentence is taken as unsupported by its cited passage(s). */
export const SUPPORT_THRESHOLD = 0.7;

export interface SupportScore {
  /**
   * Weighted share of the sentence's items found in the passage, smoothed by one item: (found + 1) / (all + 1),
   * 0–1; a number weighs 3, a negation 2, a word 1; halved when a number is missing.
   */
  score: number;
  /** Number of checkable items of the sentence. */
  items: number;
  /** Items the passage lacks (stems, `#n` numbers, `!stem` negations), for logs and tests. */
  missing: string[];
}

/** What a passage offers: its stems, prefixes, numbers and negated stems. */
export interface PassageEvidence {
  terms: Set<string>;
  prefixes: Set<string>;
  negations: Set<string>;
}

const NEGATIONS: ReadonlySet<string> = new Set(['sans', 'pas', 'non', 'aucun', 'aucune', 'ni', 'ne', 'n', 'jamais', 'nul', 'nulle', 'interdit']);
/** Content words a negation reaches across ("n'est pas punie", "ne sont en aucun cas"). */
const NEGATION_REACH = 3;

/** The model's discourse, not claims: citing verbs, the texts' names, connectives. Folded, stemmed below. */
const DISCOURSE_WORDS = [
  'selon', 'prevoit', 'prevoir', 'prevu', 'prevue', 'dispose', 'disposer', 'precise', 'preciser', 'indique', 'indiquer',
  'enonce', 'enoncer', 'stipule', 'article', 'articles', 'art', 'code', 'texte', 'textes', 'extrait', 'extraits', 'alinea',
  'ainsi', 'notamment', 'egalement', 'effet', 'donc', 'toutefois', 'cependant', 'outre', 'cas', 'termes', 'vertu',
  'application', 'conformement', 'rappelle', 'rappeler', 'mentionne', 'mentionner', 'principe', 'regle', 'autrement',
  'dit', 'resume', 'bref', 'loi', 'douanes', 'douane', 'present', 'presente', 'ci', 'dessus', 'voici', 'reponse',
];
const DISCOURSE: ReadonlySet<string> = new Set(DISCOURSE_WORDS.map((word) => contentTerm({ text: word, reference: false })?.term ?? word));

interface Item {
  key: string;
  /** Position of its token in `tokenize` order (to meet the lexicon's spans). */
  at: number;
  /** Numbers and negations weigh more: "dix ans" for "trois ans", "n'est pas punie" for "est punie" are the errors that matter. */
  weight: number;
  /** A prefix that also counts as found (long words). */
  prefix?: string;
  negation: boolean;
}

const NUMBER_WEIGHT = 3;
const NEGATION_WEIGHT = 2;
/** "ne … que" restricts, it does not negate: "ne peuvent … qu'en cas de flagrant délit". */
const RESTRICTION_REACH = 8;

/** Checkable items of a text, in order. */
function itemsOf(text: string): Item[] {
  const items: Item[] = [];
  let negated = 0;
  const tokens = tokenize(numbersAsDigits(stripMarkers(text)));
  tokens.forEach((token, at) => {
    if (!token.reference && NEGATIONS.has(token.text)) {
      const restriction = (token.text === 'ne' || token.text === 'n') &&
        tokens.slice(at + 1, at + 1 + RESTRICTION_REACH).some((next) => next.text === 'que' || next.text === 'qu') &&
        !tokens.slice(at + 1, at + 4).some((next) => next.text === 'pas' || next.text === 'jamais' || next.text === 'plus');
      if (!restriction) negated = NEGATION_REACH;
      return;
    }
    const number = numberKey(token.text, token.reference);
    if (number) {
      items.push({ key: number, at, weight: NUMBER_WEIGHT, negation: false });
      return;
    }
    const content = contentTerm(token);
    if (!content || DISCOURSE.has(content.term)) {
      negated = Math.max(0, negated - 1);
      return;
    }
    items.push({ key: content.term, at, weight: 1, ...(content.prefix ? { prefix: content.prefix } : {}), negation: false });
    if (negated > 0) items.push({ key: `!${content.term}`, at, weight: NEGATION_WEIGHT, ...(content.prefix ? { prefix: `!${content.prefix}` } : {}), negation: true });
    negated = 0;
  });
  return items;
}

const NUMBER_WORDS = new RegExp(`(?<![a-z0-9-])${NUMBER_WORDS_SOURCE}(?![a-z0-9-])`, 'g');

/** "vingt-quatre heures" → "24 heures", so that words and digits meet; "un", "une" stay articles. */
function numbersAsDigits(text: string): string {
  return foldText(text).replace(NUMBER_WORDS, (words) => {
    if (/^\d/.test(words)) return words;
    const value = parseFrenchNumber(words);
    return value !== undefined && value > 1 ? ` ${value} ` : words;
  });
}

function numberKey(text: string, reference: boolean): string | undefined {
  if (reference) return /^\d+$/.test(text) ? `#${Number(text)}` : `#${text}`;
  const value = text.length > 1 ? parseFrenchNumber(text) : undefined;
  return value !== undefined && value > 1 ? `#${value}` : undefined;
}

/** Removes [n] markers, the verifier's own placeholders and personal-data placeholders ([PERSONNE_1]) before scoring. */
function stripMarkers(text: string): string {
  return text.replace(/\[\d{1,3}\]/g, ' ').replace(/\[[A-Z][A-Z_]*_\d{1,3}\]/g, ' ').replace(/\[(?:référence|lien) retirée?\]/g, ' ').replace(/\bhttps?:\/\/\S+/g, ' ');
}

export function passageEvidence(text: string): PassageEvidence {
  const evidence: PassageEvidence = { terms: new Set(), prefixes: new Set(), negations: new Set() };
  for (const item of itemsOf(text)) {
    if (item.negation) {
      evidence.negations.add(item.key);
      if (item.prefix) evidence.negations.add(item.prefix);
    } else {
      evidence.terms.add(item.key);
      if (item.prefix) evidence.prefixes.add(item.prefix);
    }
  }
  return evidence;
}

/** Support of `sentence` by the passage(s) whose evidence is given (their items pooled). */
export function supportScore(sentence: string, evidence: PassageEvidence | PassageEvidence[]): SupportScore {
  const sources = Array.isArray(evidence) ? evidence : [evidence];
  // The trade's lexicon (agents' words → the texts' words) reads the model's paraphrase: "fouiller" is found as "visite".
  const paraphrased = new Set<number>();
  for (const expansion of loadDefaultLexicon().expansionsIn(stripMarkers(sentence))) {
    if (expansion.analysed.terms.every((term) => sources.some((source) => source.terms.has(term)))) {
      for (let at = expansion.start; at < expansion.end; at++) paraphrased.add(at);
    }
  }
  const seen = new Set<string>();
  let items = 0;
  let weight = 0;
  let lacking = 0;
  const missing: string[] = [];
  for (const item of itemsOf(sentence)) {
    if (seen.has(item.key)) continue;
    seen.add(item.key);
    const found = item.negation
      ? sources.some((source) => source.negations.has(item.key) || (item.prefix !== undefined && source.negations.has(item.prefix)))
      : paraphrased.has(item.at) ||
        sources.some((source) => source.terms.has(item.key) || (item.prefix !== undefined && source.prefixes.has(item.prefix)));
    items++;
    weight += item.weight;
    if (!found) {
      missing.push(item.key);
      lacking += item.weight;
    }
  }
  // One item of credit: a two-word sentence missing one word is a paraphrase more often than an invention.
  const score = (weight - lacking + 1) / (weight + 1);
  // A number the passage does not hold is a wrong figure however well the words match: the score is halved.
  return { score: missing.some((key) => key.startsWith('#')) ? score / 2 : score, items, missing };
}

export function isSupported(score: SupportScore, threshold = SUPPORT_THRESHOLD): boolean {
  return score.score >= threshold;
}
