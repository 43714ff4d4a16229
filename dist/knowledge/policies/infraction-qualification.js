import { foldedRequest } from "./request-clauses.js";
/**
 * Recognises questions that help qualify an infraction (which offence, which article or class, which
 * penalty): the answer then always carries the reservation that the agent decides. An explainable
 * classifier over the folded question; a question qualifies when one of these holds:
 * - it asks which offence, class, qualification, penalty or incriminating text (« quelle infraction »,
 *   « quel délit retenir », « de quelle classe », « c'est quoi comme infraction », « qu'est-ce qu'on retient »);
 * - it asks whether facts fall under an offence or an article (« ça relève de quel article », « constitue-t-il
 *   une contrebande », « tombe sous le coup de l'article 411 », « c'est une contrebande ou… »);
 * - it asks what a person risks or how a conduct is punished (« que risque », « passible », « encourt »,
 *   « quelle amende », « sanctionné comment », « quel article réprime »);
 * - it describes facts (goods, concealment, undeclared sums) and asks about an offence or the applicable text.
 * Words such as « agent » or « service » play no part: « un agent découvre… quelle infraction ? » qualifies,
 * « un voyageur refuse d'ouvrir sa valise, on fait quoi ? » does not.
 */
const OFFENCE = "(?:infractions?|delits?|contraventions?|contrebande|importation sans declaration|exportation sans declaration|fausses? declarations?|incrimination|qualification)";
const WHICH = new RegExp(`\\b(?:quel|quelle|quels|quelles|lequel|laquelle)\\s+(?:(?:est|sont|serait)\\s+)?(?:(?:l'|la|le|les)\\s*)?(?:${OFFENCE}|classe|sanctions?|peines?|amendes?|texte d'incrimination)\\b|\\bquoi comme ${OFFENCE}|\\bde quelle classe\\b`);
const RETAIN = /\b(?:qu'est-ce qu'on|que|quoi|qu'on) reten(?:ir|ons|ez)\b|\breten(?:ir|u|ue|ons|ez|t|ient)\s+(?:comme|contre)\b/;
const FALLS_UNDER = /\b(?:releve(?:nt)?|relever(?:ait|aient)?|constitue(?:nt)?|constituer(?:ait|aient)?|tombe(?:nt)? sous le coup|s'agit-il|qualifi(?:er|e|ent|cation)s?)\b/;
const ARTICLE_OR_OFFENCE = new RegExp(`\\b(?:article|${OFFENCE}|classe|quoi|quel|quelle)\\b`);
const IS_IT = new RegExp(`\\b(?:c'est|est-ce|ce serait|serait-ce|s'agit-il d')\\s*(?:un |une |de la |du |d')?${OFFENCE}`);
const ALTERNATIVE = new RegExp(`${OFFENCE}[^?]{0,40}\\bou\\b[^?]{0,40}(?:${OFFENCE}|\\bpas\\b|\\bnon\\b|\\bclasse\\b)|\\bclasse\\b[^?]{0,20}\\bou\\b[^?]{0,20}${OFFENCE}`);
const RISK = /\b(?:que risque|qu'est-ce que risque|risque[- ]t[- ](?:il|elle|on)(?!\s+(?:pas\s+)?d(?:e\s|'))|qu'est-ce qu'(?:il|elle|on) risque|encour(?:t|ent|u|ue|us|ues|ir)|passibles?|sanctionnee?s? comment|comment (?:est |sont )?sanctionnee?s?|punie?s? comment)\b|\b(?:sanctions?|peines?|amendes?) (?:pour|en cas|applicables?|encourues?|prevues? pour)\b/;
const PUNISHING_TEXT = /\b(?:quel|quels|quelle|quelles)\s+(?:articles?|textes?)\s+(?:reprime|reprimen|sanctionne|sanctionnent|punit|punissent|incrimine|incriminent|vise|visent)/;
const APPLICABLE_TEXT = /\b(?:quel|quels|quelle|quelles)\s+(?:articles?|textes?)\s+(?:appliquer|s'applique|s'appliquent|retenir|viser)\b/;
const FACTS = /\b(?:cocaine|heroine|cannabis|resine|herbe|stupefiants?|khat|drogues?|tabacs?|cigarettes?|cartouches?|cigares?|alcools?|whisky|contrefacons?|armes?|especes|argent liquide|montres?|bijoux|medicaments?|viande|lingots?|d'or|marchandises? prohibees?|especes protegees|detention|detenir|transport(?:er|e|ait)?|import(?:er|e|ation)|export(?:er|e|ation)|dissimule?e?s?|cachee?s?|cachette|non declaree?s?|sans (?:declaration|facture|justificatif|document)|falsifiee?s?|sous-evalue?e?s?|depassement|franchise|kg|grammes?|litres?)\b/;
const DISCIPLINARY = /\bdisciplinaire/;
const NAMES_OFFENCE = new RegExp(OFFENCE);
const ENDS_ASKING_OFFENCE = new RegExp(`${OFFENCE}[^.]*\\?\\s*$`);
export function isInfractionQualification(question) {
    const folded = foldedRequest(question);
    if (DISCIPLINARY.test(folded))
        return false;
    if (WHICH.test(folded) || (RETAIN.test(folded) && NAMES_OFFENCE.test(folded)) || IS_IT.test(folded) || ALTERNATIVE.test(folded))
        return true;
    if (FALLS_UNDER.test(folded) && ARTICLE_OR_OFFENCE.test(folded.slice(folded.search(FALLS_UNDER))))
        return true;
    if (RISK.test(folded) || PUNISHING_TEXT.test(folded))
        return true;
    const asksAboutOffence = ENDS_ASKING_OFFENCE.test(folded) || APPLICABLE_TEXT.test(folded);
    return FACTS.test(folded) && asksAboutOffence;
}
