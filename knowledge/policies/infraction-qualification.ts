import { foldText } from '../analysis/normalise.ts';

/**
 * Recognises questions that help qualify an infraction (which offence, which penalty): the answer then
 * always carries the reservation that the agent decides.
 */
const QUALIFYING = [
  /\bqualifi/,
  /\b(?:infraction|delit|contravention|contrebande|fraude|fausse declaration)s?\b.*\b(?:est|constitue|releve|s'agit|retenir|quelle|quel)\b/,
  /\b(?:est|constitue|releve)[- ]?(?:ce|il|elle)?\b.*\b(?:infraction|delit|contravention|contrebande)\b/,
  /\b(?:que risque|risque[- ]t[- ](?:il|elle|on)|encour|passible|quelle(?:s)? (?:sanction|peine|amende)s?)\b/,
  /\b(?:sanction|peine|amende)s? (?:pour|en cas|applicable)/,
];

export function isInfractionQualification(question: string): boolean {
  const folded = foldText(question);
  return QUALIFYING.some((pattern) => pattern.test(folded));
}
