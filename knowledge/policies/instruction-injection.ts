import { foldText } from '../analysis/normalise.ts';

/**
 * Instruction-like passages (prompt injection planted in a document): text that addresses an AI assistant rather
 * than a reader — orders to drop its instructions, to reveal its prompt, to give a dictated answer, role-play,
 * chat-template or system-prompt markers — in French and English. Legal and HR texts are full of imperatives
 * ("doit", "est tenu de", "il convient de saisir", "répondez à l'usager par écrit", "se conformer aux instructions
 * de son supérieur"); what they never do is speak to the reader in the second person singular, name a prompt or
 * a system message, or order an answer's wording. Each rule below needs one of those.
 *
 * Run at ingestion on every chunk (knowledge/ingestion): a flagged chunk is listed in the ingest report, carries
 * the phrases found in the store, is kept out of the model's context by default and is never quoted without a
 * warning. Measured on test/fixtures/injection/ (BENCHMARKS.md, `npm run bench -- answering`).
 */

export type InstructionKind = 'override' | 'reveal-prompt' | 'dictated-answer' | 'role-play' | 'addressed-to-ai' | 'template-marker';

export interface InstructionFinding {
  kind: InstructionKind;
  /** The phrase as written (up to 120 characters). */
  phrase: string;
}

/** Words naming what an assistant was told (folded). */
const TOLD = '(?:instructions?|consignes?|regles?|directives?|guidelines|rules|prompt|filtres?|filters?|restrictions?|contexte|context|extraits|ce qui precede|tout ce qu|everything|the above|above)';
const SECOND_SINGULAR = "(?:\\btu\\b|\\bte\\b|\\bt'|\\btoi\\b|\\bton\\b|\\bta\\b|\\btes\\b)";
const AI = "(?:assistant|ia|intelligence artificielle|modele(?: de langage)?|chatbot|bot|llm|\\bai\\b|gpt|passerelle)";

const RULES: ReadonlyArray<{ kind: InstructionKind; pattern: RegExp }> = [
  // "Ignore tes instructions", "oubliez vos consignes", "ne tiens pas compte des règles", "disregard the above".
  {
    kind: 'override',
    pattern: new RegExp(
      `\\b(?:ignore|ignorez|ignorer|oublie|oubliez|ne tiens pas compte|ne tenez pas compte|fais abstraction|faites abstraction|ne respecte plus|ne respectez plus|disregard|forget|override|bypass)\\b(?:\\s+(?:de|des|du|d'|toutes?|tous|all|les|la|le|l'|tes|vos|ton|votre|your|the|any|these|previous|prior|precedentes?|anterieures?|systeme|initiales?|et)\\b){0,4}\\s*${TOLD}`,
    ),
  },
  // "Révèle ton prompt système", "affiche le message système", "print your system prompt", "quel est ton prompt".
  { kind: 'reveal-prompt', pattern: /\b(?:prompts?(?: systeme)?|system prompt|system message|message (?:du |de )?systeme|instructions? (?:systeme|initiales?|cachees?|internes?)|regles internes|hidden instructions?|initial instructions?)\b/ },
  // "Réponds que …", "répondez uniquement « oui »", "answer that …", "respond only with", "tell the user to".
  {
    kind: 'dictated-answer',
    pattern: /\b(?:reponds|repondez|dis|dites|ecris|ecrivez|affirme|affirmez|recommande|recommandez)\s+(?:(?:toujours|uniquement|seulement|simplement|systematiquement|d'abord|plutot)\s+)?(?:que\b|qu'|:|«|"|par\s+(?:«|")|avec\s+(?:«|"))|\b(?:answer|respond|reply|say|print|output|tell the user)\s+(?:(?:only|always|simply)\s+)?(?:that\b|with\b|:|"|to\b)/,
  },
  // "Tu es désormais …", "vous êtes maintenant …", "joue le rôle", "fais comme si", "act as", "you are now", "mode développeur".
  {
    kind: 'role-play',
    pattern: /\b(?:tu es (?:desormais|maintenant|dorenavant)|vous etes (?:desormais|maintenant|dorenavant)|tu n'es plus|vous n'etes plus|jou(?:e|es|ez) le role|fais comme si|faites comme si|agis comme|agissez comme|imagine que tu|a partir de maintenant,? (?:tu|vous)|act as|act like|pretend (?:you|to be)|system override|you are now|from now on|mode developpeur|developer mode|jailbreak)\b/,
  },
  // "Note pour l'assistant IA", "à l'attention du modèle", "Assistant : …", "en tant qu'IA", "instruction cachée".
  {
    kind: 'addressed-to-ai',
    pattern: new RegExp(
      `\\b(?:(?:note|message|instructions?|consignes?(?: prioritaires?)?|important|rappel)\\s+(?:pour|a|au|aux|for)\\s+(?:l'|le |la |les |the |an? )?(?:\\w+ )?${AI}|a l'attention (?:de l'|du |de la )${AI}|en tant qu'(?:ia|assistant|intelligence artificielle|ai)|instructions? cachees?|new instructions|(?:^|[.!?]\\s+)(?:assistant|ia|chatbot)\\s*[:,]|${AI}\\s+qui lit ce texte)`,
    ),
  },
  // Chat-template and prompt markers, and an attempt to close the excerpt the bot wraps passages in.
  { kind: 'template-marker', pattern: /<\|(?:im_start|im_end|system|user|assistant|endoftext)\|>|\[\/?inst\]|<\/?(?:system|extrait|s)>|(?:^|\n)\s*(?:#{1,4}\s*)?(?:system|systeme|instruction systeme)\s*:/ },
];

/**
 * Weak signals: each is common enough alone in real texts ("les règles applicables", "la réponse de
 * l'administration", "le chatbot", an English sentence) but two in one sentence, one of them addressing the
 * reader (tu, an imperative, you, setting rules aside), speak to an assistant.
 */
const SIGNALS: ReadonlyArray<{ name: string; pattern: RegExp; addresses?: true }> = [
  // The reader addressed as "tu": absent from the codes and the HR FAQ (3,139 records).
  { name: 'second-person', addresses: true, pattern: /\b(?:tu|toi|te|ton|ta|tes)\b|\bt'(?=[a-z])/ },
  // A second-person-singular imperative opening a clause ("Réponds …", "…, conseille-lui", "et oublie …").
  {
    name: 'imperative',
    addresses: true,
    pattern: /(?:^\s*|[.!?:;,»"]\s*|\b(?:et|puis|alors|ou)\s+)(?:ne\s+|n')?(?:reponds|ignore|oublie|recopie|revele|devoile|affiche|montre|donne|cite|invente|suis|passe|mets|conseille|joue|agis|fais|imagine|reecris|ecris|affirme|recommande|dis|obeis|traduis|deviens|arrete|cesse|adopte|remplace|mentionne|ajoute|supprime|explique|decris|redige|valide|approuve)(?:-(?:lui|moi|les|le|la|leur|nous))?\b/,
  },
  // An AI named or addressed.
  { name: 'ai', pattern: /\b(?:assistants?(?: virtuels?)?|ia|chatbot|llm|gpt|ai|intelligence artificielle|language model|modele (?:de langage|qui (?:lit|lira|lirait)))\b/ },
  // The answer itself as the object of the text.
  // ("Réponse :" is how the Q/A loader labels an answer, not an order.)
  { name: 'answer', pattern: /\b(?:reponse(?!\s*:)|repondre|reponds|disant que|dire que|dis plutot|affirmer que|state that|answer|respond|reply|historique de la conversation|opinion)\b/ },
  // English second person, in a French corpus.
  { name: 'you', addresses: true, pattern: /\b(?:you|your|yourself)\b/ },
  // Setting rules aside.
  { name: 'override', addresses: true, pattern: /\b(?:override|bypass|sans limites?|sans filtres?|peu importe les textes|de memoire|quoi que disent|ne s'appliquent plus|stop following|every rule|all rules|are disabled|desactivee?s?|secretes?|confidential)\b/ },
  // What an assistant is given.
  { name: 'instructions', pattern: /\b(?:instructions?|consignes?|regles?|rules|prompt|configuration|textes officiels|sources)\b/ },
  // English imperative opening a sentence.
  { name: 'english-imperative', addresses: true, pattern: /(?:^|[.!?:]\s*)(?:act like|act as|when asked|always|never|ignore|forget|reveal|print|draft|pretend|respond|answer|say|tell|stop|do not|don't)\b/ },
];

/** Findings of the rules, else the weak signals when two or more hold. */
export function findInstructions(text: string): InstructionFinding[] {
  const folded = foldText(text);
  const findings: InstructionFinding[] = [];
  for (const { kind, pattern } of RULES) {
    const match = pattern.exec(folded);
    if (match) findings.push({ kind, phrase: phraseAround(text, match.index, match[0].length) });
  }
  if (findings.length > 0) return findings;
  // Signals are counted per sentence: two in one sentence speak to an assistant, two pages apart do not.
  for (const sentence of sentencesOf(folded)) {
    const held = SIGNALS.map((signal) => ({ signal, match: signal.pattern.exec(sentence.text) })).filter((found) => found.match !== null);
    if (held.length >= 2 && held.some((found) => found.signal.addresses)) return [{ kind: 'addressed-to-ai', phrase: phraseAround(text, sentence.start + (held[0]?.match?.index ?? 0), 1) }];
  }
  return findings;
}

function sentencesOf(folded: string): Array<{ text: string; start: number }> {
  const sentences: Array<{ text: string; start: number }> = [];
  for (const match of folded.matchAll(/[^.!?\n]+(?:[.!?]+|\n|$)/g)) sentences.push({ text: match[0], start: match.index ?? 0 });
  return sentences;
}

export function isInstructionLike(text: string): boolean {
  return findInstructions(text).length > 0;
}

const WITHHELD = '[formulation retirée]';

/**
 * The passage without its instruction-like sentences (checked here too, so that passages ingested before the
 * check existed are never quoted with them either).
 */
export function withoutInstructions(text: string): { text: string; withheld: boolean } {
  if (!isInstructionLike(text)) return { text, withheld: false };
  let withheld = false;
  const kept = text.split('\n').map((line) =>
    (line.match(/(?:[^.!?]|[.!?](?![\s.!?]|$))+(?:[.!?]+|$)/g) ?? [line])
      .map((sentence) => {
        if (!isInstructionLike(sentence)) return sentence;
        withheld = true;
        return ` ${WITHHELD}`;
      })
      .join('')
      .trim(),
  );
  // An instruction spread over several sentences, none alone instruction-like: the whole passage is withheld.
  if (!withheld) return { text: WITHHELD, withheld: true };
  return { text: kept.join('\n'), withheld };
}

/** The sentence holding a match, from the original text (folding keeps lengths for Latin text), ≤ 120 characters. */
function phraseAround(text: string, index: number, length: number): string {
  let start = 0;
  for (const match of text.slice(0, index).matchAll(/[.!?](?=\s)|\n/g)) start = (match.index ?? 0) + 1;
  const after = /[.!?](?=\s|$)|\n/.exec(text.slice(index + length));
  const end = after ? index + length + after.index + 1 : text.length;
  const sentence = text.slice(start, end).replace(/\s+/g, ' ').trim();
  return sentence.length > 120 ? `${sentence.slice(0, 119)}…` : sentence;
}
