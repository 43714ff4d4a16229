import { foldText } from "../analysis/normalise.js";
const FILLER = /^(?:(?:bonjour|salut|hello|coucou|ok|bon|alors|maintenant|ensuite|du coup|vas-y|allez|please|stp|svp|s'il te plait|s'il vous plait|merci(?! d))\b[\s,!]*)+/;
const ADDRESSING = /^(?:merci de|merci d'|peux-tu|pourrais-tu|pouvez-vous|pourriez-vous|veux-tu|voudrais-tu|voulez-vous|tu peux|tu pourrais|tu veux bien|vous pouvez|vous pourriez|est-ce que tu peux|est-ce que tu pourrais|est-ce que vous pouvez|est-ce que vous pourriez|je te demande de|je vous demande de|j'aimerais que tu|je voudrais que tu|je veux que tu|il faut que tu|aide-moi a|aidez-moi a|peux-tu m'aider a|tu peux m'aider a)\s*/;
const PRONOUNS = /^(?:(?:me|m'|moi|nous|le|la|les|l'|lui|leur|en|y)\s*)+/;
export function foldedRequest(question) {
    return foldText(question).replace(/\s+/g, ' ').trim();
}
export function clausesOf(folded) {
    const clauses = [];
    for (const sentence of folded.split(/[.!?;:\n]+/)) {
        sentence.split(/,|\s(?:et|puis)\s/).forEach((part, index) => {
            let text = part.trim().replace(FILLER, '');
            const addressing = ADDRESSING.exec(text);
            if (addressing)
                text = text.slice(addressing[0].length).replace(PRONOUNS, '');
            if (text !== '')
                clauses.push({ text, opensSentence: index === 0, addressed: addressing !== null });
        });
    }
    return clauses;
}
/** Interrogative words and inversions: the sentence asks something rather than orders it. */
export const INTERROGATIVE = /^(?:qui|que|qu'|quel|quelle|quels|quelles|quand|combien|comment|pourquoi|ou|lequel|laquelle|lesquels|lesquelles|dans quel|dans quels|dans quelle|a quel|a quelle|est-ce|est-il|est-elle|faut-il|peut-on|doit-on|y a-t-il|existe-t-il)\b|-(?:t-)?(?:il|elle|ils|elles|on)\b/;
