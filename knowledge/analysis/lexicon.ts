import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { analyse, contentTerm, type AnalysedText } from './french-analyser.ts';
import { tokenize } from './tokenizer.ts';

/**
 * The synonym lexicon (lexicon.yaml beside this file, maintained by the team): phrases agents type mapped
 * to the phrases the texts use. Applied to queries only, so that it works the same with every store and
 * a change needs no re-indexing.
 */

const EntrySchema = z.object({
  from: z.string().min(1),
  to: z.array(z.string().min(1)).min(1),
  both: z.boolean().default(false),
});
const LexiconSchema = z.object({ entries: z.array(EntrySchema) });

export interface LexiconRule {
  /** Folded token sequence to find in the query. */
  pattern: string[];
  /** Phrases to add to the query. */
  expansions: string[];
}

export interface LexiconMatch {
  /** First token of the matched phrase. */
  start: number;
  /** One past its last token. */
  end: number;
  expansions: string[];
}

/** One phrase to add to a query, with the query words it stands for. */
export interface LexiconExpansion {
  /** Span of the query's tokens (`tokenize` order) the rule matched. */
  start: number;
  end: number;
  phrase: string;
  analysed: AnalysedText;
  /**
   * True when the phrase contains every word matched ("entrepôt" → "entrepôt sous douane", "procureur" →
   * "procureur de la République"): it narrows them to a phrase rather than giving other words, so only its word
   * pairs should count, not "douane" or "République" alone.
   */
  refines: boolean;
}

export class Lexicon {
  private readonly rulesByFirstToken = new Map<string, LexiconRule[]>();

  constructor(rules: LexiconRule[]) {
    for (const rule of rules) {
      const first = rule.pattern[0];
      if (first === undefined) continue;
      const list = this.rulesByFirstToken.get(first) ?? [];
      list.push(rule);
      this.rulesByFirstToken.set(first, list);
    }
  }

  static fromYaml(source: string): Lexicon {
    const parsed = LexiconSchema.parse(parse(source));
    const rules: LexiconRule[] = [];
    for (const entry of parsed.entries) {
      rules.push({ pattern: phraseTokens(entry.from), expansions: entry.to });
      if (entry.both) for (const target of entry.to) rules.push({ pattern: phraseTokens(target), expansions: [entry.from] });
    }
    return new Lexicon(rules);
  }

  /** Phrases to add for a query, given its folded token sequence. */
  expansionsFor(tokens: string[]): string[] {
    return [...new Set(this.matchesIn(tokens).flatMap((match) => match.expansions))];
  }

  /** The expansions of a query text, each with the span it matched and whether it only refines that span. */
  expansionsIn(text: string): LexiconExpansion[] {
    const tokens = tokenize(text);
    const expansions: LexiconExpansion[] = [];
    for (const match of this.matchesIn(tokens.map((token) => token.text))) {
      const own = tokens.slice(match.start, match.end).flatMap((token) => contentTerm(token)?.term ?? []);
      for (const phrase of match.expansions) {
        const analysed = analyse(phrase);
        const refines = own.length > 0 && own.every((term) => analysed.terms.includes(term));
        expansions.push({ start: match.start, end: match.end, phrase, analysed, refines });
      }
    }
    return expansions;
  }

  /** Where rules match in a folded token sequence: the span of tokens matched and the phrases it stands for. */
  matchesIn(surface: string[]): LexiconMatch[] {
    const tokens = surface.map(singular);
    const matches: LexiconMatch[] = [];
    tokens.forEach((token, start) => {
      for (const rule of this.rulesByFirstToken.get(token) ?? []) {
        if (rule.pattern.every((part, offset) => tokens[start + offset] === part)) {
          matches.push({ start, end: start + rule.pattern.length, expansions: rule.expansions });
        }
      }
    });
    return matches;
  }
}

function phraseTokens(phrase: string): string[] {
  return tokenize(phrase).map((token) => singular(token.text));
}

/**
 * Entries and queries are compared without the plural mark (a final -s or -x on words of four letters or
 * more, article references left alone), so that one entry serves "cadeau" and "cadeaux", "héritier" and
 * "héritiers".
 */
export function singular(token: string): string {
  return token.length > 3 && /^[a-z]+[sx]$/.test(token) ? token.slice(0, -1) : token;
}

let defaultLexicon: Lexicon | undefined;

/** The team's lexicon, loaded once. */
export function loadDefaultLexicon(): Lexicon {
  defaultLexicon ??= Lexicon.fromYaml(readFileSync(fileURLToPath(new URL('./lexicon.yaml', import.meta.url)), 'utf8'));
  return defaultLexicon;
}
