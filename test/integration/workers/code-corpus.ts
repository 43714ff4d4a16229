import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A tiny Code des douanes for the summary jobs (JSONL in the shared corpus' shape): titre II with the
 * articles 60 to 60-3, 60 bis and 65 (in the code's order, as Légifrance prints it), titre XII with two chapters, and one article classified diffusion restreinte
 * in a third title (to check what a model may see).
 */

export const CODE = 'Code des douanes';
const POWERS = ['Titre II : Organisation et fonctionnement du service des douanes', 'Chapitre IV : Pouvoirs des agents des douanes'];
const FINDINGS = ['Titre XII : Contentieux et recouvrement', 'Chapitre Ier : Constatation des infractions douanières'];
const PENALTIES = ['Titre XII : Contentieux et recouvrement', 'Chapitre VI : Dispositions répressives'];
const RESTRICTED = ['Titre XIII : Dispositions internes', 'Chapitre II : Consignes réservées'];
export const RESTRICTED_WORD = 'NOVEMBRE-QUATRE';

function article(num: string, titlePath: string[], text: string, classification?: string): Record<string, unknown> {
  return { id: `CD-${num.replace(/\s+/g, '_')}`, code: CODE, num, title_path: titlePath, text, valid_from: null, valid_to: null, ...(classification ? { classification } : {}) };
}

export const CODE_ARTICLES = [
  article('60', POWERS, 'Pour l’application des dispositions du présent code et en vue de la recherche de la fraude, les agents des douanes peuvent procéder à la visite des marchandises et des moyens de transport et à celle des personnes.'),
  article('60-1', POWERS, 'Les agents des douanes peuvent procéder à la visite des bagages des voyageurs et demander l’ouverture des contenants présentés lors du contrôle.'),
  article('60-2', POWERS, 'Les agents des douanes peuvent immobiliser le moyen de transport le temps strictement nécessaire à la réalisation de la visite des marchandises.'),
  article('60-3', POWERS, 'Les agents des douanes peuvent, pour l’application de la visite, recourir à des moyens de détection électroniques et à des équipes cynophiles habilitées.'),
  article('60 bis', POWERS, 'Lorsque des indices sérieux laissent présumer qu’une personne transporte des produits stupéfiants dissimulés dans son organisme, les agents des douanes peuvent la soumettre à des examens médicaux de dépistage après avoir obtenu son consentement exprès.'),
  article('65', POWERS, 'Les agents des douanes ayant au moins le grade de contrôleur peuvent exiger la communication des papiers et documents de toute nature relatifs aux opérations intéressant leur service.'),
  article('323-1', FINDINGS, 'Les agents des douanes ne peuvent procéder à l’arrestation et au placement en retenue douanière d’une personne qu’en cas de flagrant délit douanier puni d’une peine d’emprisonnement.'),
  article('334', FINDINGS, 'Les résultats des contrôles effectués par les agents des douanes sont consignés dans des procès-verbaux de constat, qui énoncent la date et le lieu des contrôles, la nature des constatations et les renseignements recueillis.'),
  article('414', PENALTIES, 'Sont passibles d’un emprisonnement de trois ans, de la confiscation de l’objet de fraude et des moyens de transport, et d’une amende, tout fait de contrebande ainsi que tout fait d’importation ou d’exportation sans déclaration de marchandises prohibées.'),
  article('450', RESTRICTED, `Les consignes réservées de contrôle sont communiquées aux seuls chefs de poste sous le code ${RESTRICTED_WORD} par la ligne sécurisée du service.`, 'diffusion-restreinte'),
];

export function writeCodeCorpus(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'code_douanes.jsonl');
  writeFileSync(path, `${CODE_ARTICLES.map((record) => JSON.stringify(record)).join('\n')}\n`);
  return path;
}
