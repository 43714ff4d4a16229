import { gzipSync } from 'node:zlib';
import { writeTar } from '../../knowledge/sync/tar-archive.ts';

/**
 * LEGI open-data archives in DILA's real layout and XML format, built in tests from a few article records
 * (ids, numbers, dates and texts of the shared corpus): `<root>/legi/global/code_et_TNC_en_vigueur/code_en_vigueur/
 * LEGI/TEXT/00/00/06/07/15/LEGITEXT000006071570/article/LEGI/ARTI/00/00/06/61/59/LEGIARTI000006615940.xml`.
 */

export interface LegiArticleFixture {
  id: string;
  num: string;
  etat: 'VIGUEUR' | 'MODIFIE' | 'ABROGE' | 'ABROGE_DIFF' | 'VIGUEUR_DIFF';
  dateDebut: string;
  dateFin: string;
  text: string;
  /** Every version of the article (LIEN_ART ids), this one included. */
  versions: string[];
  codeId?: string;
  codeName?: string;
  headings?: string[];
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function legiArticleXml(article: LegiArticleFixture): string {
  const codeId = article.codeId ?? 'LEGITEXT000006071570';
  const codeName = article.codeName ?? 'Code des douanes';
  const headings = (article.headings ?? ['Titre XII : Contentieux et recouvrement']).reduceRight(
    (inner, heading, index) => `<TM><TITRE_TM debut="1949-01-01" fin="2999-01-01" id="LEGISCTA00000661${String(index).padStart(4, '0')}">${escape(heading)}</TITRE_TM>${inner}</TM>`,
    '',
  );
  const paragraphs = article.text.split('\n\n').map((paragraph) => `<p>${escape(paragraph)}</p>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<ARTICLE>
<META>
<META_COMMUN>
<ID>${article.id}</ID>
<ANCIEN_ID/>
<ORIGINE>LEGI</ORIGINE>
<URL>article/LEGI/ARTI/${article.id.slice(8, 10)}/${article.id.slice(10, 12)}/${article.id}.xml</URL>
<NATURE>Article</NATURE>
</META_COMMUN>
<META_SPEC>
<META_ARTICLE>
<NUM>${escape(article.num)}</NUM>
<ETAT>${article.etat}</ETAT>
<DATE_DEBUT>${article.dateDebut}</DATE_DEBUT>
<DATE_FIN>${article.dateFin}</DATE_FIN>
<TYPE>AUTONOME</TYPE>
</META_ARTICLE>
</META_SPEC>
</META>
<CONTEXTE>
<TEXTE autorite="" cid="${codeId}" date_publi="2999-01-01" date_signature="2999-01-01" ministere="" nature="CODE" nor="" num="" num_parution="0" num_sequence="0">
<TITRE_TXT c_titre_court="${escape(codeName)}" debut="1949-01-01" fin="2999-01-01" id_txt="${codeId}">${escape(codeName)}</TITRE_TXT>
${headings}
</TEXTE>
</CONTEXTE>
<VERSIONS>
${article.versions.map((id) => `<VERSION etat="${id === article.id ? article.etat : 'MODIFIE'}"><LIEN_ART debut="1949-01-01" etat="${id === article.id ? article.etat : 'MODIFIE'}" fin="2999-01-01" id="${id}" num="${escape(article.num)}" origine="LEGI"/></VERSION>`).join('\n')}
</VERSIONS>
<NOTA>
<CONTENU/>
</NOTA>
<BLOC_TEXTUEL>
<CONTENU>
${paragraphs}
</CONTENU>
</BLOC_TEXTUEL>
<LIENS/>
</ARTICLE>
`;
}

export function legiArticlePath(article: LegiArticleFixture, root: string): string {
  const codeId = article.codeId ?? 'LEGITEXT000006071570';
  const pairs = (id: string) => id.slice(8).match(/../g)?.slice(0, 5).join('/') ?? '';
  return `${root}/legi/global/code_et_TNC_en_vigueur/code_en_vigueur/LEGI/TEXT/${pairs(codeId)}/${codeId}/article/LEGI/ARTI/${pairs(article.id)}/${article.id}.xml`;
}

/** A tar.gz holding these articles (and, when given, the list of removed version paths of an increment). */
export function legiArchive(root: string, articles: LegiArticleFixture[], removed: string[] = []): Buffer {
  const entries = articles.map((article) => ({ path: legiArticlePath(article, root), content: Buffer.from(legiArticleXml(article)) }));
  if (removed.length > 0) {
    entries.push({ path: `${root}/liste_suppression_legi.dat`, content: Buffer.from(removed.map((id) => `legi/global/code_et_TNC_en_vigueur/code_en_vigueur/LEGI/TEXT/00/00/06/07/15/LEGITEXT000006071570/article/LEGI/ARTI/${id}\n`).join('')) });
  }
  return gzipSync(writeTar(entries));
}

/**
 * Articles of the shared corpus in LEGI form: article 414 (chronical id LEGIARTI000006615940, 2017 version
 * LEGIARTI000033815388 and a 2024 version), 2 and 265 of the Code des douanes, and article 1 of the Code civil
 * (a code outside the catalogue).
 */
const V414_2017: LegiArticleFixture = {
  id: 'LEGIARTI000033815388',
  num: '414',
  etat: 'VIGUEUR',
  dateDebut: '2017-01-01',
  dateFin: '2999-01-01',
  text: "Sont passibles d'un emprisonnement de trois ans, de la confiscation de l'objet de fraude et d'une amende comprise entre une et deux fois la valeur de l'objet de fraude, tout fait de contrebande.",
  versions: ['LEGIARTI000006615940', 'LEGIARTI000033815388'],
};
const V414_2024: LegiArticleFixture = {
  ...V414_2017,
  id: 'LEGIARTI000048123456',
  dateDebut: '2024-01-02',
  text: "Sont passibles d'un emprisonnement de trois ans, de la confiscation de l'objet de fraude, des biens qui ont servi à commettre l'infraction et d'une amende comprise entre une et deux fois la valeur de l'objet de fraude, tout fait de contrebande.",
  versions: ['LEGIARTI000006615940', 'LEGIARTI000033815388', 'LEGIARTI000048123456'],
};
const V2: LegiArticleFixture = { id: 'LEGIARTI000006615335', num: '2', etat: 'VIGUEUR', dateDebut: '1949-01-01', dateFin: '2999-01-01', text: 'Dans toutes les parties du territoire douanier, on doit se conformer aux mêmes lois et règlements douaniers.', versions: ['LEGIARTI000006615335'] };
const V265: LegiArticleFixture = { id: 'LEGIARTI000038069769', num: '265', etat: 'VIGUEUR', dateDebut: '2019-07-01', dateFin: '2999-01-01', text: 'Les produits énergétiques repris aux tableaux B et C ci-après, mis en vente, sont passibles d’une taxe intérieure de consommation.', versions: ['LEGIARTI000038069769'] };
const CIVIL: LegiArticleFixture = { id: 'LEGIARTI000006419280', num: '1', etat: 'VIGUEUR', dateDebut: '1804-03-15', dateFin: '2999-01-01', text: 'Les lois sont exécutoires dans tout le territoire français.', versions: ['LEGIARTI000006419280'], codeId: 'LEGITEXT000006070721', codeName: 'Code civil' };


export const SAMPLE_ARTICLES = { V414_2017, V414_2024, V2, V265, CIVIL };
