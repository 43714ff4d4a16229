import { analyse } from "../analysis/french-analyser.js";
import { STOP_WORDS } from "../analysis/stop-words.js";
import { substantiveSentences } from "../answering/decisive-sentence.js";
import { runAtOnce } from "./cooperative.js";
import { foldKeepingLength } from "./quiz-generator.js";
const DEFINING = /\b(on entend par|s'entend(?:ent)? (?:de|des|du|d'|comme|par)|(?:est|sont) (?:repute|consideree?s?|qualifiee?s?)(?:e|es|s)? (?:comme )?|designe(?:nt)? )/;
/** Words that end a notion read after "on entend par" / "sont réputées". */
const NOTION_END = /\s(?:le|la|les|l'|un|une|des|tout|toute|tous|toutes|lorsque|lorsqu'|si|qui|que|dont|au|aux)\s|[,:;(]/;
const MAX_NOTION_WORDS = 6;
/** Numbering and list marks at the start of a sentence ("1°", "II.", "a)", "—"). */
const LEAD = /^\s*(?:(?:\d+°|[IVX]+\.|[a-z]\)|[—–-])\s*)*/u;
/** Notions that are verbs or clauses, not names of things. */
const NOT_A_NOTION = /\b(?:avoir|etre|ete|sont|est|peut|peuvent|doit|doivent)\b/;
export function definitionsIn(chunks) {
    return runAtOnce(definitionSteps(chunks));
}
/** `definitionsIn`, one chunk at a time (see cooperative.ts). */
export function* definitionSteps(chunks) {
    const found = [];
    for (const chunk of chunks) {
        yield;
        for (const span of substantiveSentences(chunk.text)) {
            const folded = foldKeepingLength(span.text);
            const phrase = DEFINING.exec(folded);
            if (!phrase)
                continue;
            const scope = scopeOf(folded, foldKeepingLength(chunk.text.slice(0, 300)));
            if (!scope)
                continue;
            const notions = new Set();
            for (const quoted of span.text.matchAll(/«\s*([^»]{3,80}?)\s*»/g))
                notions.add(quoted[1]);
            const at = phrase.index;
            const after = phrase[0];
            const lead = LEAD.exec(span.text)?.[0].length ?? 0;
            if (/^on entend par/.test(after) || (/^(?:est|sont) repute/.test(after) && at <= lead)) {
                // "On entend par X : …", "Sont réputées X les …": the words after the phrase.
                const rest = span.text.slice(at + after.length);
                const end = NOTION_END.exec(` ${foldKeepingLength(rest)}`);
                const notion = rest.slice(0, end ? Math.max(0, end.index - 1) : rest.length);
                if (/^on entend par/.test(after) || notion.trim().split(/\s+/).length >= 2)
                    notions.add(notion);
            }
            else if (!/^on entend|^(?:est|sont) repute/.test(after)) {
                // "La contrebande s'entend des…", "Le commissionnaire est considéré comme…": a subject with its article.
                const subject = span.text.slice(lead, at).trim();
                if (/^(?:le|la|les|l['’]|un|une)\s?/iu.test(subject) && !subject.includes(','))
                    notions.add(subject);
            }
            for (const raw of notions) {
                const notion = raw.replace(/^(?:les|le|la|l['’]|une|un|des|du|de)\b\s*|^l['’]/iu, '').replace(/[\s:,.;]+$/u, '').trim();
                const words = notion.split(/\s+/).filter(Boolean);
                const terms = analyse(notion).terms;
                if (words.length === 0 || words.length > MAX_NOTION_WORDS || terms.length === 0 || NOT_A_NOTION.test(foldKeepingLength(notion)))
                    continue;
                if (words.every((word) => STOP_WORDS.has(foldKeepingLength(word))))
                    continue;
                found.push({ notion, terms, sentence: span.text, chunk, scope });
            }
        }
    }
    return found;
}
/**
 * The notions `chunk` uses that another document of the base defines: longest notions first (a notion inside
 * a longer one is left out), at most `limit`.
 */
export function definitionsUsedBy(chunk, definitions, limit = 3) {
    const terms = analyse(chunk.text).terms;
    const used = definitions
        .filter((definition) => definition.chunk.documentId !== chunk.documentId && applies(definition, chunk) && containsSequence(terms, definition.terms))
        .sort((a, b) => b.terms.length - a.terms.length || (a.chunk.id < b.chunk.id ? -1 : 1));
    const chosen = [];
    for (const definition of used) {
        if (chosen.length >= limit)
            break;
        const key = definition.terms.join(' ');
        if (chosen.some((other) => other.terms.join(' ').includes(key) || other.chunk.documentId === definition.chunk.documentId))
            continue;
        chosen.push(definition);
    }
    return chosen;
}
/** "au sens du présent article" defines for that article only; "présent chapitre", for its headings; "présent titre", for its top heading. */
function scopeOf(sentence, opening) {
    const said = /present(?:e)? (article|chapitre|section|paragraphe|titre|livre|code)/.exec(sentence) ?? /present(?:e)? (article|chapitre|section|paragraphe|titre|livre)/.exec(opening);
    switch (said?.[1]) {
        case 'article':
            return undefined;
        case 'chapitre':
        case 'section':
        case 'paragraphe':
            return 'headings';
        case 'titre':
        case 'livre':
            return 'top';
        case 'code':
            return 'base';
        default:
            // Unsaid: the definition is taken to hold within its part of the code (a TGAP definition of "déchets" is not the customs one).
            return 'top';
    }
}
function applies(definition, chunk) {
    const defining = definition.chunk.headingPath;
    if (definition.scope === 'base')
        return true;
    if (definition.scope === 'top')
        return defining[0] === chunk.headingPath[0];
    return defining.length > 0 && defining.every((heading, index) => chunk.headingPath[index] === heading);
}
function containsSequence(haystack, needle) {
    outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
        for (let j = 0; j < needle.length; j++)
            if (haystack[i + j] !== needle[j])
                continue outer;
        return true;
    }
    return false;
}
