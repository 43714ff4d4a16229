import { clausesOf, foldedRequest, INTERROGATIVE } from './request-clauses.ts';

/**
 * Detects requests to draft a procedural act. The bot never drafts them (their wording engages the agent
 * and a formal defect voids the procedure); it points to the texts instead. Asking *about* an act — its
 * value, validity, delay, who draws it up, what it must contain — is a normal question and is answered.
 *
 * A small, explainable classifier over features of the folded request (`request-clauses.ts`):
 * - an act noun (`ACTS`), the first one named being the act refused;
 * - a drafting verb addressed to the bot: an imperative opening a clause (« rédige », « fais-moi »,
 *   « complète »), after « peux-tu », « merci de », « aide-moi à »…, or « tu me fais… », whose object is the
 *   act or a template of it (« un modèle de », « une trame de », « le texte de ») — not something else
 *   (« rédige-moi une synthèse des règles du PV ») — or whose object is a pronoun (« tu peux me le faire »);
 * - a request for the act as an object: « je veux / il me faut / j'ai besoin d' / tu as » + the act or a
 *   template;
 * - a format framing: « au format procès-verbal », « sous forme de PV »;
 * - a role-play framing (« tu es l'agent verbalisateur », « imagine que tu es », « joue le rôle ») with a
 *   drafting or describing verb.
 * Weaker signals — an imperative after a comma or « et », an infinitive not addressed to the bot, a heading
 * « Rédaction d'un PV : … » — count only when no clause is a question (« qui », « quel délai », « doit-il »).
 */

interface ActDefinition {
  name: string;
  pattern: RegExp;
  /** Query to find the texts that govern the act. */
  lookup: string;
  /** The act only counts when the request also matches this (« convocation » to an audition, not to a meeting). */
  onlyWith?: RegExp;
}

const ACTS: readonly ActDefinition[] = [
  { name: 'procès-verbal', pattern: /\b(?:proces[- ]?verba(?:l|ux)|pv|p\.v\.)(?![\w-])/, lookup: 'mentions et formalités du procès-verbal de saisie et de constat' },
  { name: 'avis de mise en recouvrement', pattern: /\bavis de mise en recouvrement\b|\bamr\b/, lookup: 'avis de mise en recouvrement' },
  { name: 'notification des droits', pattern: /\bnotification (?:des|de ses|de leurs) droits\b/, lookup: 'notification des droits de la personne placée en retenue douanière' },
  {
    name: 'notification de retenue douanière',
    pattern: /\b(?:notification|avis) (?:de|du|de la) (?:(?:fin|placement|mise|prolongation) (?:de|en) (?:la )?)?retenue\b|\bnotification de placement\b/,
    lookup: 'retenue douanière droits notifiés',
  },
  { name: 'convocation', pattern: /\bconvocation\b/, lookup: 'convocation audition', onlyWith: /\baudition\b|\bentendu|\binterrogatoire\b|\bcomparution\b/ },
  { name: 'acte de saisie', pattern: /\bacte de saisie\b|\bsommations?\b|\bassignation\b|\bcitation (?:directe|a comparaitre)\b|\bquittance\b/, lookup: 'procès-verbal de saisie sommation' },
  { name: 'transaction', pattern: /\b(?:projet de |proposition de )?transaction\b/, lookup: 'transaction douanière' },
  { name: 'réquisition', pattern: /\brequisitions?\b/, lookup: 'réquisitions des agents des douanes' },
  { name: 'mise en demeure', pattern: /\bmise en demeure\b/, lookup: 'mise en demeure' },
];

const VERBS =
  'redige|redigez|ecris|ecrivez|reecris|reecrivez|fais|faites|prepare|preparez|genere|generez|etablis|etablissez|dresse|dressez|remplis|remplissez|complete|completez|donne|donnez|fournis|fournissez|propose|proposez|produis|produisez|formule|formulez|reformule|reformulez|compose|composez|elabore|elaborez|sors|sortez|envoie|envoyez|tape|tapez|montre|montrez|trouve|trouvez|corrige|corrigez|cree|creez|construis|construisez|mets en forme|mettez en forme|mets au propre|mettez au propre';
const INFINITIVES = 'rediger|ecrire|reecrire|faire|preparer|generer|etablir|dresser|remplir|completer|donner|fournir|proposer|produire|formuler|reformuler|composer|elaborer|sortir|envoyer|taper|corriger|creer|construire|mettre en forme';
const TU_FORMS = 'rediges|ecris|fais|prepares|generes|etablis|dresses|remplis|completes|donnes|fournis|proposes|produis|formules|composes|elabores|sors|envoies|tapes|corriges|crees|construis';
const CLITICS = '(?:-(?:moi|nous|le|la|les|lui|en))*';
const IMPERATIVE = new RegExp(`^(?:${VERBS})${CLITICS}(?=\\s|$|[?!,])`);
const INFINITIVE = new RegExp(`^(?:${INFINITIVES})(?=\\s|$|[?!,])`);
const TU_FORM = new RegExp(`^tu (?:(?:me|m'|nous|lui|le|la|les|l')\\s*)*(?:${TU_FORMS})(?=\\s|$|[?!,])`);
/** « je voudrais que tu rédiges… »: the filler took « que tu » away. */
const ADDRESSED_TU_FORM = new RegExp(`^(?:${TU_FORMS})(?=\\s|$|[?!,])`);
const DETERMINER = /^(?:(?:une|un|les|le|la|cette|cet|ces|ce|mes|mon|ma|tes|ton|ta|notre|votre|des|du)\s+|(?:l|d)'\s*)(?:(?:petit|petite|nouveau|nouvelle|vrai|bon|bonne|premier|premiere|joli)\s+)?/;
const TEMPLATE = /^(?:modeles?|trames?|canevas|gabarits?|templates?|exemples?|brouillons?|projets?|versions?|redactions?|propositions?|texte|formulaires?)\b/;
const ACT_AT_START = ACTS.map((act) => new RegExp(`^(?:${act.pattern.source})`));
const NO_OBJECT = /^(?:en|au|sous|pour|avec|stp|svp|s'il|vite|rapidement|maintenant|aussi)\b|^[^a-z]|^$/;
const REQUEST_FOR_OBJECT =
  /(?:^|\s)(?:je veux|je voudrais|j'aimerais|je souhaite|j'ai besoin d'|j'ai besoin de|il me faut|il nous faut|tu as|t'as|tu aurais|as-tu|aurais-tu|avez-vous|auriez-vous|vous avez|je cherche|donne-moi|donnez-moi|envoie-moi|envoyez-moi|montre-moi|montrez-moi|file-moi|sors-moi|passe-moi)\s+/g;
/**
 * « au format PV », « sous forme de procès-verbal », « dans le style d'un PV », « façon PV » — a framing, introduced
 * as one; not a property of an act an agent asks about (« une nullité de forme du PV », « un vice de forme du PV »).
 */
const FORMAT =
  /\b(?:(?:au|en|sous|dans (?:le|la|un|une)|a la|selon (?:le|la))\s+(?:format|forme|style|facon|maniere)|facon)\s+(?:d'un\s+|d'une\s+|de\s+|du\s+)?(?:pv|proces[- ]?verbal|acte)\b|\bcomme un (?:pv|proces[- ]?verbal)\b/;
const ROLE_PLAY =
  /\b(?:tu es|t'es|vous etes|imagine que tu|imaginons que tu|fais comme si|faites comme si|comme si tu etais|comme si vous etiez|joue le role|jouez le role|mets-toi dans la peau|mettez-vous dans la peau|en tant qu'|agis comme|agissez comme|incarne|prends le role)/;
const DESCRIBING = /^(?:decris|decrivez|raconte|racontez|relate|relatez|resume|resumez)\b/;
const HEADING = /^redaction (?:d'un|d'une|du|de la|de l'|des)\b/;

export interface ProceduralRequest {
  act: string;
  /** Query to find the texts that govern the act. */
  lookup: string;
  /** The features that decided, for logs and tests (« verbe adressé : rédige », « cadre : jeu de rôle »…). */
  reasons: string[];
}

export function detectProceduralDrafting(question: string): ProceduralRequest | undefined {
  const folded = foldedRequest(question);
  const act = firstAct(folded);
  if (!act) return undefined;
  const clauses = clausesOf(folded);
  const asks = clauses.some((clause) => INTERROGATIVE.test(clause.text)) && !clauses.some((clause) => clause.addressed);
  const rolePlay = ROLE_PLAY.test(folded);
  const reasons: string[] = [];
  let weak = false;
  for (const clause of clauses) {
    const verb = IMPERATIVE.exec(clause.text) ?? TU_FORM.exec(clause.text) ?? (clause.addressed ? (INFINITIVE.exec(clause.text) ?? ADDRESSED_TU_FORM.exec(clause.text)) : null);
    if (verb && draftsTheAct(clause.text.slice(verb[0].length))) {
      if (clause.opensSentence || clause.addressed) reasons.push(`verbe de rédaction adressé : ${verb[0]}`);
      else weak = true;
    } else if (INFINITIVE.test(clause.text) && draftsTheAct(clause.text.replace(INFINITIVE, ''))) weak = true;
    else if (HEADING.test(clause.text) && clause.opensSentence) weak = true;
    if (rolePlay && (verb || DESCRIBING.test(clause.text))) reasons.push('cadre : jeu de rôle');
  }
  for (const match of folded.matchAll(REQUEST_FOR_OBJECT)) {
    const kind = objectKind(folded.slice(match.index + match[0].length));
    if (kind === 'act' || kind === 'template') reasons.push(`demande de l'acte : ${match[0].trim()}`);
  }
  if (FORMAT.test(folded)) reasons.push('forme demandée : format de l’acte');
  if (weak && !asks) reasons.push('consigne sans question');
  return reasons.length > 0 ? { act: act.name, lookup: act.lookup, reasons: [...new Set(reasons)] } : undefined;
}

function firstAct(folded: string): ActDefinition | undefined {
  let best: { act: ActDefinition; index: number } | undefined;
  for (const act of ACTS) {
    const match = act.pattern.exec(folded);
    if (match && (!act.onlyWith || act.onlyWith.test(folded)) && (!best || match.index < best.index)) best = { act, index: match.index };
  }
  return best?.act;
}

/**
 * Whether the verb acts on the act itself, a template of it, or — having no noun object (« tu peux me le
 * faire », « rédige en format PV ») — on the act the request names; not on anything else (« rédige-moi une
 * synthèse… »). Only called for a request that names an act.
 */
function draftsTheAct(afterVerb: string): boolean {
  return objectKind(afterVerb.trim()) !== 'other';
}

function objectKind(text: string): 'act' | 'template' | 'none' | 'other' {
  const determiner = DETERMINER.exec(text)?.[0] ?? '';
  const noun = text.slice(determiner.length);
  if (ACT_AT_START.some((pattern) => pattern.test(noun))) return 'act';
  if (TEMPLATE.test(noun)) return 'template';
  return determiner === '' && NO_OBJECT.test(noun) ? 'none' : 'other';
}
