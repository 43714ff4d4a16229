import { foldText } from '../knowledge/analysis/normalise.ts';

/**
 * Questions plainly outside what Passerelle answers (cooking, weather, sport, entertainment…). Consulted only
 * when the bot would abstain anyway: such a question is told it is out of scope, instead of "no reliable answer
 * in the legal base", a list of unrelated nearest passages and a note for the curators, who can do nothing
 * with it. Deliberately narrow: words that only make sense off-topic, never words a customs or HR question
 * may use ("recette" is also a revenue office; "temps", working time).
 */
const OFF_TOPIC_WORDS = new Set([
  // cooking
  'tarte', 'tartes', 'tatin', 'gateau', 'gateaux', 'cuisson', 'cuisiner', 'crepes', 'mayonnaise', 'vinaigrette', 'omelette', 'dessert', 'desserts',
  // weather
  'meteo', 'pleuvoir', 'pleuvra', 'pleut', 'ensoleille',
  // sport
  'football', 'foot', 'rugby', 'tennis', 'basket', 'handball', 'championnat', 'buteur', 'psg',
  // entertainment and the rest
  'cinema', 'netflix', 'chanson', 'chansons', 'musique', 'concert', 'horoscope', 'astrologie', 'blague', 'blagues', 'poeme', 'jeu video', 'jeux video',
]);

const OFF_TOPIC_PATTERNS = [
  /\bquel temps (?:fait|fera|va-t-il faire|faisait)\b/,
  /\b(?:il va|va-t-il|est-ce qu'il va) (?:pleuvoir|neiger)\b/,
  /\bqui a gagne (?:le|la|les|hier)\b/,
  /\b(?:match|matchs) (?:de|du|d')\b/,
  /\brecettes? (?:de|du|des|d') ?(?:la |le |l')?(?:tarte|gateau|cuisine|crepe|soupe|poulet|boeuf|pates|pizza|quiche|cake|cookies?|mousse|salade)/,
];

export function isOutOfScope(question: string): boolean {
  const folded = foldText(question).toLowerCase();
  if (OFF_TOPIC_PATTERNS.some((pattern) => pattern.test(folded))) return true;
  const words = folded.split(/[^a-z0-9]+/).filter(Boolean);
  for (let index = 0; index < words.length; index++) {
    if (OFF_TOPIC_WORDS.has(words[index] as string) || OFF_TOPIC_WORDS.has(`${words[index]} ${words[index + 1] ?? ''}`)) return true;
  }
  return false;
}
