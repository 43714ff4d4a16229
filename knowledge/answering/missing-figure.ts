import { foldText } from '../analysis/normalise.ts';

/**
 * A question asking for a figure (how many days, which amount, what rate) answered by texts that only state
 * the principle: the codes often leave the figure to an implementing decree that is not in the bases
 * (« Le fonctionnaire en activité a droit à un congé annuel avec traitement » — the 25 days are in a decree).
 * The answer then says where the figure lies instead of letting the agent look for it in the quote.
 */

const ASKS_FIGURE = /\b(?:combien|quel(?:le)?s? (?:est |sont )?(?:le |la |les |l')?(?:nombre|montant|duree|taux|delai|plafond|seuil|quotite|pourcentage)|how (?:many|much))\b/;
const NUMBER_WORDS = '(?:\\d+(?:[,.]\\d+)?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|trente|quarante|cinquante|soixante|cent|mille)';
const UNITS: Record<string, string> = {
  jours: 'jours?', semaines: 'semaines?', mois: 'mois', ans: 'ans?|annees?', annees: 'ans?|annees?', heures: 'heures?', euros: 'euros?|€', montant: 'euros?|€', taux: '%|pour cent', pourcentage: '%|pour cent',
};
const ANY_UNIT = '%|€|euros?|jours?|mois|ans?|annees?|heures?|semaines?|fois|pour cent';

/** A figure in the unit the question asks for (« combien de jours » wants days, not « sept heures »). */
function figureIn(unit: string): RegExp {
  return new RegExp(`\\b${NUMBER_WORDS}(?:[\\s-]+${NUMBER_WORDS})*\\s*(?:${unit})(?![a-z])`);
}

/** Implementing texts holding the figures the codes leave out, by subject of the question. */
const WHERE_FIGURES_LIE: Array<{ subject: RegExp; text: string }> = [
  { subject: /\bconges? annuels?\b/, text: 'le décret n° 84-972 du 26 octobre 1984 relatif aux congés annuels des fonctionnaires de l’État' },
  { subject: /\bteletravail\b/, text: 'le décret n° 2016-151 du 11 février 2016 relatif aux conditions et modalités de mise en œuvre du télétravail dans la fonction publique' },
  { subject: /\bcompte epargne[- ]temps\b|\bcet\b/, text: 'le décret n° 2002-634 du 29 avril 2002 portant création du compte épargne-temps dans la fonction publique de l’État' },
];

/** Undefined when the question asks no figure or the quoted texts give one; else where the figure lies, if known. */
export function missingFigure(question: string, quotedTexts: string[]): { where?: string } | undefined {
  const asked = foldText(question).toLowerCase();
  if (!ASKS_FIGURE.test(asked)) return undefined;
  const askedUnit = Object.keys(UNITS).find((unit) => new RegExp(`\\b${unit}\\b`).test(asked));
  // « cinq fois ses obligations hebdomadaires » is a number of days too.
  const figure = figureIn(askedUnit ? `${UNITS[askedUnit]}|fois` : ANY_UNIT);
  if (quotedTexts.some((text) => figure.test(foldText(text).toLowerCase()))) return undefined;
  const known = WHERE_FIGURES_LIE.find((entry) => entry.subject.test(asked));
  return known ? { where: known.text } : {};
}
