import { foldText } from '../analysis/normalise.ts';
import { findArticleMentions } from '../analysis/article-references.ts';
import { findQuestionDate } from './question-dates.ts';

/**
 * Questions about what changed in an article: "qu'est-ce qui a changé à l'article 414 depuis 2019 ?", "quelles
 * modifications de l'article 60 entre 2019 et 2024 ?", "l'article 414 a-t-il été modifié ?". The article must be
 * named; "depuis <date>" gives the older version, "entre <date> et <date>" both.
 */

export interface ChangeQuestion {
  number: string;
  code?: string;
  from?: string;
  to?: string;
}

const ASKS_FOR_CHANGES =
  /\b(?:qu'?est[- ]ce qui a (?:change|evolue|ete modifie)|ce qui a (?:change|evolue|ete modifie)|quel(?:le)?s? (?:sont les )?(?:changements?|modifications?|evolutions?|differences?)|a-t-il (?:change|evolue|ete modifie)|a-t-elle (?:change|ete modifiee)|(?:a|ont) (?:change|ete modifiee?s?) (?:depuis|entre)|diff(?:erence)?s? entre les versions)\b/;

export function findChangeQuestion(question: string): ChangeQuestion | undefined {
  const folded = foldText(question);
  if (!ASKS_FOR_CHANGES.test(folded)) return undefined;
  const mention = findArticleMentions(question)[0];
  if (!mention) return undefined;
  const between = /\bentre (.+?) et (.+?)(?:[?.!]|$)/.exec(folded);
  const since = /\bdepuis (.+?)(?:[?.!,]|$)/.exec(folded);
  const dateIn = (words: string | undefined) => {
    if (!words) return undefined;
    const trimmed = words.trim().replace(/^(?:le|l'annee) /, '');
    const phrase = /^\d{4}\b/.test(trimmed) || /^[a-z]/.test(trimmed) && !/^(?:1er|premier)/.test(trimmed) ? `en ${trimmed}` : `au ${trimmed}`;
    return findQuestionDate(phrase)?.date ?? findQuestionDate(words)?.date;
  };
  const from = between ? dateIn(between[1]) : dateIn(since?.[1]);
  const to = between ? dateIn(between[2]) : undefined;
  return { number: mention.number, ...(mention.code ? { code: mention.code } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** "Où est passé l'article 414 ?", "que devient l'article 60 ?", "nouveau numéro de l'article 414", "ancien article 414". */
const ASKS_WHEREABOUTS = /\b(?:ou est passe|ou se trouve (?:desormais|maintenant|aujourd'hui)|qu'est devenu|que devient|(?:quel est le |son )?nouveau numero|nouvelle numerotation|correspondance|concordance|ancien(?:ne)? (?:article|numero)|anciens articles|renumerot)/;

export function findWhereaboutsQuestion(question: string): { number: string; code?: string } | undefined {
  if (!ASKS_WHEREABOUTS.test(foldText(question))) return undefined;
  const mention = findArticleMentions(question)[0];
  return mention ? { number: mention.number, ...(mention.code ? { code: mention.code } : {}) } : undefined;
}
