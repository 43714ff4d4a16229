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

export interface ProceduralRequest {
  act: string;
  /** Query to find the texts that govern the act. */
  lookup: string;
}

export function detectProceduralDrafting(question: string): ProceduralRequest | undefined {
  const folded = foldText(question);
  if (!DRAFTING.test(folded)) return undefined;
  const act = ACTS.find((candidate) => candidate.pattern.test(folded));
  return act ? { act: act.name, lookup: act.lookup } : undefined;
}
