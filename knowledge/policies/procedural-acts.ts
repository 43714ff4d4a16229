import { foldText } from '../analysis/normalise.ts';

/**
 * Detects requests to draft a procedural act. The bot never drafts them (their wording engages the agent
 * and a formal defect voids the procedure); it points to the texts instead. Asking *about* an act (what it
 * must contain, who may draw it up) is a normal question.
 */

const ACTS: Array<{ name: string; pattern: RegExp; lookup: string }> = [
  { name: 'procès-verbal', pattern: /\b(?:proces[- ]verba(?:l|ux)|pv)\b/, lookup: 'mentions et formalités du procès-verbal de saisie et de constat' },
  { name: 'avis de mise en recouvrement', pattern: /\bavis de mise en recouvrement\b|\bamr\b/, lookup: 'avis de mise en recouvrement' },
  { name: 'convocation', pattern: /\bconvocation\b/, lookup: 'convocation audition' },
  { name: 'notification de retenue douanière', pattern: /\b(?:notification|avis) de (?:retenue|placement)\b/, lookup: 'retenue douanière droits notifiés' },
  { name: 'acte de saisie', pattern: /\bacte de saisie\b|\bquittance\b|\bsommation\b|\bassignation\b|\bcitation\b/, lookup: 'procès-verbal de saisie sommation' },
  { name: 'transaction', pattern: /\b(?:projet de )?transaction\b/, lookup: 'transaction douanière' },
];

const DRAFTING = /\b(?:redig|redige|rediger|redigez|ecri[rsv]|ecrivez|fais[- ]moi|faites[- ]moi|prepar|genere|generer|etabli[rs]|dresse[rz]?|remplis|remplir|complete[rz]? le|modele de|trame de|exemple de|brouillon)/;

/** Questions about an act ("qui peut dresser…", "quels agents peuvent établir…") unless they ask the bot itself. */
const ASKING_ABOUT = /^(?:qui|quel(?:le)?s?|lequel|laquelle|quand|lorsque|dans quel(?:le)?s?|combien|pourquoi|ou)\b/;
const ADDRESSED_TO_BOT = /\b(?:peux[- ]tu|pourrais[- ]tu|pouvez[- ]vous|pourriez[- ]vous|je (?:veux|voudrais|souhaite)|merci de)\b|-(?:moi|nous)\b/;

export interface ProceduralRequest {
  act: string;
  /** Query to find the texts that govern the act. */
  lookup: string;
}

export function detectProceduralDrafting(question: string): ProceduralRequest | undefined {
  const folded = foldText(question).trim();
  if (!DRAFTING.test(folded)) return undefined;
  if (ASKING_ABOUT.test(folded) && !ADDRESSED_TO_BOT.test(folded)) return undefined;
  const act = ACTS.find((candidate) => candidate.pattern.test(folded));
  return act ? { act: act.name, lookup: act.lookup } : undefined;
}
