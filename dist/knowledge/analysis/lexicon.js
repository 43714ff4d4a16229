import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { analyse, contentTerm } from "./french-analyser.js";
import { tokenize } from "./tokenizer.js";
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
export class Lexicon {
    rulesByFirstToken = new Map();
    constructor(rules) {
        for (const rule of rules) {
            const first = rule.pattern[0];
            if (first === undefined)
                continue;
            const list = this.rulesByFirstToken.get(first) ?? [];
            list.push(rule);
            this.rulesByFirstToken.set(first, list);
        }
    }
    static fromYaml(source) {
        const parsed = LexiconSchema.parse(parse(source));
        const rules = [];
        for (const entry of parsed.entries) {
            rules.push({ pattern: phraseTokens(entry.from), expansions: entry.to });
            if (entry.both)
                for (const target of entry.to)
                    rules.push({ pattern: phraseTokens(target), expansions: [entry.from] });
        }
        return new Lexicon(rules);
    }
    /** Phrases to add for a query, given its folded token sequence. */
    expansionsFor(tokens) {
        return [...new Set(this.matchesIn(tokens).flatMap((match) => match.expansions))];
    }
    /** The expansions of a query text, each with the span it matched and whether it only refines that span. */
    expansionsIn(text) {
        const tokens = tokenize(text);
        const expansions = [];
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
    matchesIn(surface) {
        const tokens = surface.map(singular);
        const matches = [];
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
function phraseTokens(phrase) {
    return tokenize(phrase).map((token) => singular(token.text));
}
/**
 * Entries and queries are compared without the plural mark (a final -s or -x on words of four letters or
 * more, article references left alone), so that one entry serves "cadeau" and "cadeaux", "héritier" and
 * "héritiers".
 */
export function singular(token) {
    return token.length > 3 && /^[a-z]+[sx]$/.test(token) ? token.slice(0, -1) : token;
}
let defaultLexicon;
/** The team's lexicon, loaded once. */
export function loadDefaultLexicon() {
    defaultLexicon ??= Lexicon.fromYaml(readFileSync(fileURLToPath(new URL('./lexicon.yaml', import.meta.url)), 'utf8'));
    return defaultLexicon;
}
