import { headingLabelIn } from "../../knowledge/analysis/headings.js";
import { foldText } from "../../knowledge/analysis/normalise.js";
const NUMBER = String.raw `(?:[lrd]\.?\s?)?\d+(?:-\d+)*(?:\s?(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies))?`;
const RANGE = new RegExp(`articles?\\s+(${NUMBER})\\s*(?:a|au|-|jusqu'a)\\s*(?:l'article\\s+)?(${NUMBER})`);
export function parseSummaryRequest(text, hasAttachment, codes) {
    const folded = foldText(text);
    const length = /\b(?:detaille|detaillee|long|complet|complete|approfondi)\b/.test(folded) ? 'detaille' : 'court';
    const code = codes.find((name) => folded.includes(foldText(name))) ?? aliasCode(folded, codes);
    const range = RANGE.exec(folded);
    if (range?.[1] && range[2])
        return { target: { type: 'code-articles', from: range[1], to: range[2], ...(code ? { code } : {}) }, length };
    const heading = headingLabelIn(folded);
    if (heading)
        return { target: { type: 'code-heading', label: heading, ...(code ? { code } : {}) }, length };
    if (hasAttachment)
        return { target: { type: 'document' }, length };
    if (/\b(?:conversation|fil|discussion|echanges|salon|messages)\b/.test(folded))
        return { target: { type: 'conversation' }, length };
    return { target: undefined, length };
}
function aliasCode(folded, codes) {
    const aliases = [
        [/\bcibs\b|biens et services|accises?/, /impositions sur les biens et services/],
        [/\bcgfp\b|fonction publique/, /fonction publique/],
        [/\bpensions?\b/, /pensions/],
        [/\bdouanes?\b/, /code des douanes/],
    ];
    for (const [alias, target] of aliases) {
        if (alias.test(folded)) {
            const found = codes.find((name) => target.test(foldText(name)));
            if (found)
                return found;
        }
    }
    return undefined;
}
