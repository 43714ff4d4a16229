import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../config/load-config.ts';
import { createKnowledge, type Knowledge } from '../../../knowledge/create-knowledge.ts';

/** Shared helpers of the knowledge integration tests: temp folders, small article corpora, a real embedded store. */

export const FIXTURES = fileURLToPath(new URL('../../fixtures/files/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SENTENCE = 'La fiche de contrôle doit être signée par le chef de poste.';

export interface ArticleRecord {
  id: string;
  code: string;
  code_id?: string;
  num: string;
  title_path: string[];
  text: string;
  valid_from: string | null;
  valid_to: string | null;
  source_url?: string;
  classification?: string;
}

const POWERS = ['Titre II : Organisation et fonctionnement du service des douanes', 'Chapitre IV : Pouvoirs des agents des douanes'];
const PENALTIES = ['Titre XII : Contentieux et recouvrement', 'Chapitre VI : Dispositions répressives'];

/** Code des douanes records in the shared corpus' shape (texts shortened). */
export const ARTICLES: Record<string, ArticleRecord> = {
  visite: {
    id: 'CD-60',
    code: 'Code des douanes',
    code_id: 'LEGITEXT000006071570',
    num: '60',
    title_path: POWERS,
    text: 'Les agents des douanes peuvent procéder à la visite des marchandises, des moyens de transport et des personnes.',
    valid_from: null,
    valid_to: null,
    source_url: 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000048',
  },
  stupefiants: {
    id: 'CD-60_bis',
    code: 'Code des douanes',
    code_id: 'LEGITEXT000006071570',
    num: '60 bis',
    title_path: POWERS,
    text: "Lorsque des indices sérieux laissent présumer qu'une personne transporte des produits stupéfiants dissimulés dans son organisme, les agents des douanes peuvent la soumettre à des examens médicaux de dépistage après avoir obtenu son consentement exprès.",
    valid_from: null,
    valid_to: null,
  },
  retenue: {
    id: 'CD-323-1',
    code: 'Code des douanes',
    code_id: 'LEGITEXT000006071570',
    num: '323-1',
    title_path: ['Titre XII : Contentieux et recouvrement', 'Chapitre Ier : Constatation des infractions douanières'],
    text: "Les agents des douanes ne peuvent procéder à l'arrestation et au placement en retenue douanière d'une personne qu'en cas de flagrant délit douanier puni d'une peine d'emprisonnement.",
    valid_from: '2011-06-01',
    valid_to: '2999-01-01',
  },
  contrebande: {
    id: 'CD-414',
    code: 'Code des douanes',
    code_id: 'LEGITEXT000006071570',
    num: '414',
    title_path: PENALTIES,
    text: "Sont passibles d'un emprisonnement de trois ans, de la confiscation de l'objet de fraude et des moyens de transport, et d'une amende, tout fait de contrebande ainsi que tout fait d'importation ou d'exportation sans déclaration de marchandises prohibées.",
    valid_from: null,
    valid_to: null,
  },
  zones: {
    id: 'CD-1',
    code: 'Code des douanes',
    code_id: 'LEGITEXT000006071570',
    num: '1',
    title_path: ['Titre Ier : Principes généraux du régime des douanes'],
    text: 'Le territoire douanier comprend les territoires et les eaux territoriales de la France continentale et de la Corse. Des zones franches peuvent être constituées.',
    valid_from: null,
    valid_to: null,
  },
};

export function jsonl(records: unknown[]): string {
  return `${records.map((record) => JSON.stringify(record)).join('\n')}\n`;
}

export function writeJsonl(path: string, records: unknown[]): string {
  writeFileSync(path, jsonl(records));
  return path;
}

/** A temp folder removed after the suite (call in `before`/`beforeEach`, clean in `after`/`afterEach`). */
export function makeTempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `passerelle-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The real knowledge layer (embedded SQLite store) on a data folder, with optional extra environment and overrides. */
export async function openKnowledge(dataDir: string, env: Record<string, string> = {}, overrides: Record<string, unknown> = {}, log?: (message: string) => void): Promise<Knowledge> {
  const config = loadConfig({ env: { PASSERELLE_DATA_DIR: dataDir, PASSERELLE_LOG_LEVEL: 'silent', ...env }, overrides });
  return createKnowledge(config, log);
}
