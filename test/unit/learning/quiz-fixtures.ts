import { toDocumentEnrichment } from '../../../knowledge/enrichment/enrichment.ts';
import type { Chunk } from '../../../knowledge/types.ts';

/**
 * A small code written for the quiz tests (not an evaluation set): articles of one chapter, each with the
 * enrichment a team member would write from its text (a subject, agents' questions, agents' terms).
 */

const PATH = ['Titre XII : Contentieux', 'Chapitre VI : Dispositions répressives'];

interface Spec {
  num: string;
  text: string;
  questions?: string[];
  terms?: string[];
  headingPath?: string[];
}

export const QUIZ_ARTICLES: Spec[] = [
  {
    num: '414',
    text: 'Sont passibles d’un emprisonnement de trois ans, de la confiscation de l’objet de fraude, et d’une amende, tout fait de contrebande. La tentative est punie comme le délit, dans les conditions de l’article 418 et de l’article 999.',
    questions: ['Quelle peine de prison pour un fait de contrebande ?'],
    terms: ['contrebande', 'objet de fraude', 'prison'],
  },
  {
    num: '415',
    text: 'Sont passibles d’un emprisonnement de deux ans ceux qui auront procédé à une opération financière entre la France et l’étranger portant sur des fonds provenant d’un délit douanier.',
    questions: ['Le blanchiment douanier est-il puni de prison ?'],
    terms: ['blanchiment douanier', 'opération financière', 'fonds'],
  },
  {
    num: '416',
    text: 'La peine d’emprisonnement est portée à dix ans lorsque les faits de contrebande portent sur des marchandises dangereuses pour la santé.',
    questions: ['La contrebande de produits dangereux est-elle plus punie ?'],
    terms: ['marchandises dangereuses', 'circonstance aggravante'],
  },
  {
    num: '417',
    text: 'La contrebande s’entend des importations ou exportations en dehors des bureaux de douane, ainsi que de toute violation des règles relatives au transport des marchandises dans le rayon des douanes.',
    questions: ['C’est quoi la contrebande ?'],
    terms: ['bureaux de douane', 'rayon des douanes', 'importation clandestine'],
  },
  {
    num: '418',
    text: 'Les marchandises saisies sont déposées au bureau le plus proche, où le procès-verbal de saisie est rédigé dans un délai de quinze jours.',
    questions: ['Où déposer les marchandises saisies ?'],
    terms: ['procès-verbal de saisie', 'dépôt des marchandises'],
  },
  {
    num: '419',
    text: 'La consignation des moyens de transport peut être ordonnée par le juge ; la mainlevée est accordée contre caution solvable.',
    questions: ['Peut-on récupérer un véhicule saisi ?'],
    terms: ['mainlevée', 'caution solvable', 'moyens de transport'],
  },
  { num: '420', text: 'Le délai de prescription de l’action de l’administration est de six ans à compter de la commission des faits.', headingPath: ['Titre XII : Contentieux', 'Chapitre VII : Prescription'] },
];

export const QUIZ_URL = 'https://www.legifrance.gouv.fr/codes/article_lc/';

export function quizChunks(kb = 'legal', articles: Spec[] = QUIZ_ARTICLES): Chunk[] {
  return articles.map((spec) => ({
    id: `CD-${spec.num}#0`,
    kb,
    documentId: `CD-${spec.num}`,
    source: 'code_douanes.jsonl',
    kind: 'article',
    title: `Code des douanes, art. ${spec.num}`,
    headingPath: spec.headingPath ?? PATH,
    text: spec.text,
    url: `${QUIZ_URL}CD-${spec.num}`,
    classification: 'public',
    article: { code: 'Code des douanes', number: spec.num },
    part: 0,
    parts: 1,
    contentHash: `hash-${spec.num}`,
    ...(spec.questions
      ? { enrichment: toDocumentEnrichment({ id: `CD-${spec.num}`, text_sha256: '0000000000000000', subject: `Article ${spec.num}`, questions: spec.questions, terms: spec.terms ?? [], origin: 'team', status: 'approved' }) }
      : {}),
  }));
}
