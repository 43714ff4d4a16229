import { foldText } from "../../analysis/normalise.js";
import { nameLists } from "./name-lists.js";
import { tokenise } from "./name-tokens.js";
/**
 * Person names. A run of capitalised words (`Jean Dupont`, `Pierre-Yves Le Gall`, `DURAND Michel`, `J. Dupont`)
 * is a name when something says so:
 * - a cue just before it: a title (`M.`, `Mme`, `Monsieur`, `Me`, `Dr`), a phrase (« je m'appelle »,
 *   « nommé », « un certain », « épouse », « signé ») or a role (« l'agent », « le voyageur », « ma collègue »,
 *   « contrevenant : »); greetings and « je suis » count only for a run the gazetteer knows;
 * - the gazetteer (`knowledge/policies/gazetteer/`): a given name followed by other capitalised words, a surname in
 *   capitals next to a given name, an initial before a surname, or a given name alone in mid-sentence;
 * - its place: alone on the last line, or on the line after a closing (« Cordialement, », « -- »), as a
 *   signature.
 * Never a name: words of `not-names.txt` (titles, institutions, places, months, sentence openers), a word after
 * an article or « Saint », a given name that is also a word (`Marine`, `Rose`) alone at a sentence start or
 * after « en », « à », « de », a surname alone (`Petit`, `Blanc`) without a cue, an acronym (`BSI`, `PAF`).
 */
const TITLES = new Set(['m', 'mr', 'mme', 'mmes', 'mlle', 'mm', 'madame', 'monsieur', 'mademoiselle', 'maitre', 'me', 'dr', 'docteur', 'pr', 'professeur']);
const STRONG_PHRASES = [
    ["m'", 'appelle'], ["s'", 'appelle'], ['me', 'nomme'], ['nomme'], ['nommee'], ['denomme'], ['denommee'], ['prenomme'], ['prenommee'],
    ['surnomme'], ['surnommee'], ['appele'], ['appelee'], ['un', 'certain'], ['une', 'certaine'], ['epouse'], ['epoux'], ['veuve'], ['nee'],
    ['signe'], ['part', 'de'],
];
const WEAK_PHRASES = [
    ['je', 'suis'], ['bonjour'], ['bonsoir'], ['salut'], ['merci'], ['cordialement'], ['amities'], ['vous'], ['journee'], ['soiree'], ['bientot'],
    ['salutations'], ['remerciements'],
];
const ROLES = new Set(`agent agente agents collegue collegues inspecteur inspectrice controleur controleuse brigadier brigadiere brigadier-chef chef cheffe capitaine
  lieutenant commandant douanier douaniere voyageur voyageuse passager passagere conducteur conductrice chauffeur prevenu prevenue contrevenant
  contrevenante temoin gerant gerante mandataire declarant declarante transitaire avocat avocate superieur superieure interesse interessee
  proprietaire destinataire expediteur expeditrice client cliente fils fille frere soeur mari femme compagne compagnon conjoint conjointe
  stagiaire collaborateur collaboratrice responsable pilote mis-en-cause requerant requerante`.split(/\s+/));
const DETERMINERS = new Set(["le", "la", "les", "l'", "un", "une", "du", "des", "au", "aux", "ce", "cet", "cette", "ces", "son", "sa", "ses", "mon", "ma", "mes", "notre", "votre", "leur", "saint", "sainte", "st", "ste"]);
const PLACE_PREPOSITIONS = new Set(['en', 'a', 'de', "d'", 'vers', 'depuis']);
const PARTICLES = new Set(['de', 'du', 'des', "d'", 'le', 'la', 'van', 'von', 'der', 'den', 'da', 'di', 'do', 'dos', 'das', 'del', 'della', 'ben', 'bin', 'ibn', 'el', 'al', 'ould', 'abou', 'bou', 'mac', 'ter', 'ten']);
const CLOSING = /^(?:cordialement|bien cordialement|bien a vous|tres cordialement|merci\b.*|bonne (?:journee|soiree|fin de journee)|a bientot|salutations.*|amities|--+|—)[\s,.!]*$/;
const MAX_RUN = 5;
export function findPersonNames(text) {
    const lists = nameLists();
    const tokens = tokenise(text);
    const spans = [];
    for (let index = 0; index < tokens.length;) {
        const cue = cueBefore(tokens, index);
        const run = runAt(tokens, index, lists, cue !== 'none');
        if (run.length === 0) {
            index += 1;
            continue;
        }
        const name = trimAcronyms(run, lists);
        if (name.length > 0 && isName(name, cue, tokens, text, lists)) {
            spans.push({ kind: 'personne', start: name[0].start, end: name[name.length - 1].end });
            index += run.length;
        }
        else {
            // « Demande de Jérôme Caillaud », « Coucou Élise »: the name may start further in the run.
            index += 1;
        }
    }
    return spans;
}
/** The longest run of name-shaped words starting at `index` (particles only between two such words). */
function runAt(tokens, index, lists, cued) {
    const first = tokens[index];
    if (!first || !(isNameShaped(first, lists) || (cued && first.shape === 'capitalised' && PARTICLES.has(first.folded))))
        return [];
    const run = [first];
    for (let next = index + 1; next < tokens.length && run.length < MAX_RUN; next++) {
        const token = tokens[next];
        if (token.gapBefore !== '')
            break;
        if (isNameShaped(token, lists))
            run.push(token);
        else if (PARTICLES.has(token.folded) && tokens[next + 1]?.gapBefore === '' && isNameShaped(tokens[next + 1], lists))
            run.push(token);
        else
            break;
    }
    return run;
}
function isNameShaped(token, lists) {
    if (token.shape !== 'capitalised' && token.shape !== 'upper' && token.shape !== 'initial')
        return false;
    const bare = token.folded;
    return !lists.notNames.has(bare) && !TITLES.has(bare) && !/^(?:saint|sainte|st|ste)-/.test(bare);
}
/**
 * An acronym (`BSI`, `DR`, `PAF`) or a lower-case particle at either end of a run is not part of the name; a
 * capitalised particle is (`Mme Da Costa`).
 */
function trimAcronyms(run, lists) {
    const loose = (token) => (token.shape === 'upper' && !isFirstName(token, lists) && !isSurname(token, lists)) || (token.shape === 'lower' && PARTICLES.has(token.folded));
    let from = 0;
    let to = run.length;
    while (to - from > 1 && loose(run[from]))
        from++;
    while (to - from > 1 && loose(run[to - 1]))
        to--;
    return run.slice(from, to);
}
/** A listed surname, or a compound one of whose parts is a listed name (`MARTIN-DUBOIS`). */
function isSurname(token, lists) {
    if (lists.surnames.has(token.folded))
        return true;
    const parts = token.folded.split('-');
    return parts.length > 1 && parts.some((part) => lists.surnames.has(part) || lists.firstNames.has(part));
}
function isName(run, cue, tokens, text, lists) {
    const words = run.filter((token) => !PARTICLES.has(token.folded) || token === run[0]);
    const first = words[0];
    const known = words.some((token) => isFirstName(token, lists) || isSurname(token, lists));
    if (first.shape === 'upper' && words.length === 1 && !known && cue !== 'title')
        return false;
    if (cue === 'title' || cue === 'strong')
        return true;
    if (cue === 'role')
        return first.shape !== 'upper' || known;
    if (cue === 'weak' && known)
        return true;
    const signature = signatureLine(run, text);
    if (signature === 'after-closing' || (signature === 'last-line' && (known || first.shape === 'initial')))
        return true;
    return byGazetteer(words, tokens, lists);
}
/** Without a cue: what the gazetteer says of the run. */
function byGazetteer(words, tokens, lists) {
    const first = words[0];
    const previous = tokens[first.index - 1];
    const afterDeterminer = previous !== undefined && (first.gapBefore === '' || first.gapBefore === '-') && DETERMINERS.has(previous.folded);
    if (afterDeterminer)
        return false;
    const plainFirstName = (token) => isFirstName(token, lists) && !lists.wordNames.has(token.folded);
    const surnameLike = (token) => token.shape === 'upper' || isSurname(token, lists);
    if (words.length === 1) {
        if (plainFirstName(first))
            return true;
        if (first.shape === 'upper' && isSurname(first, lists))
            return true;
        const wordName = isFirstName(first, lists) && !first.opensSentence && !(previous && PLACE_PREPOSITIONS.has(previous.folded));
        return wordName && first.shape === 'capitalised';
    }
    if (first.shape === 'initial')
        return words[1].shape !== 'initial';
    if (plainFirstName(first))
        return true;
    const rest = words.slice(1);
    if (isFirstName(first, lists))
        return rest.some(surnameLike);
    // `DURAND Michel`, `KOVALENKO Oleksandr`: surname first, then a given name.
    return surnameLike(first) && rest.some(plainFirstName);
}
function isFirstName(token, lists) {
    if (token.shape !== 'capitalised' && token.shape !== 'upper')
        return false;
    if (lists.firstNames.has(token.folded))
        return true;
    const parts = token.folded.split('-');
    return parts.length > 1 && parts.every((part) => lists.firstNames.has(part));
}
function cueBefore(tokens, index) {
    const first = tokens[index];
    const previous = tokens[index - 1];
    if (!first || !previous)
        return 'none';
    const gap = first.gapBefore;
    const title = previous.folded.replace(/\.$/, '');
    const titleShaped = previous.shape !== 'lower' || title === 'madame' || title === 'monsieur' || title === 'mademoiselle';
    if (gap === '' && TITLES.has(title) && titleShaped)
        return 'title';
    if (!['', ',', ':', '\n'].includes(gap))
        return 'none';
    const endsWith = (phrase) => phrase.every((word, offset) => tokens[index - phrase.length + offset]?.folded === word);
    if (STRONG_PHRASES.some(endsWith))
        return 'strong';
    if (ROLES.has(previous.folded) && gap !== '\n')
        return 'role';
    if (WEAK_PHRASES.some(endsWith))
        return 'weak';
    return 'none';
}
/**
 * Where a run alone on its line stands: on the line after a closing (« Cordialement, », « -- »), or on the last
 * line of a message of several lines; undefined elsewhere.
 */
function signatureLine(run, text) {
    const start = run[0].start;
    const end = run[run.length - 1].end;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const newline = text.indexOf('\n', end);
    const lineEnd = newline === -1 ? text.length : newline;
    if (lineStart === 0 || text.slice(lineStart, start).trim() !== '' || text.slice(end, lineEnd).replace(/[\s,.]/g, '') !== '')
        return undefined;
    const before = text.slice(0, lineStart).trimEnd();
    const previousLine = foldText(before.slice(before.lastIndexOf('\n') + 1)).trim();
    if (CLOSING.test(previousLine))
        return 'after-closing';
    return text.slice(lineEnd).trim() === '' ? 'last-line' : undefined;
}
