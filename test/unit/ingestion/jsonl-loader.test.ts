import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadJsonl } from '../../../knowledge/ingestion/loaders/jsonl-loader.ts';
import type { Classification } from '../../../knowledge/types.ts';

const context = (defaultClassification: Classification = 'public') => ({ source: 'corpus/test.jsonl', displayName: 'test.jsonl', defaultClassification });
const lines = (...records: unknown[]) => Buffer.from(records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n'));

/** Shape of the shared corpus' Code des douanes records (code_douanes.jsonl). */
const ARTICLE_323_1 = {
  id: 'CD-323-1',
  code: 'Code des douanes',
  code_id: 'LEGITEXT000006071570',
  num: '323-1',
  title_path: ['Titre XII : Contentieux et recouvrement', 'Chapitre Ier : Constatation des infractions douanières'],
  text: "Les agents des douanes ne peuvent procéder à l'arrestation et au placement en retenue douanière d'une personne qu'en cas de flagrant délit douanier puni d'une peine d'emprisonnement.",
  valid_from: '2011-06-01',
  valid_to: '2999-01-01',
  version_date: '2024-01-15',
  source_url: 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000023863370',
};

describe('ingestion: JSONL loader', () => {
  it('keeps the valid lines of broken-lines.jsonl and reports line 3 by number', async () => {
    const bytes = readFileSync(fileURLToPath(new URL('../../fixtures/files/broken-lines.jsonl', import.meta.url)));
    const { documents, warnings } = await loadJsonl(bytes, context());
    assert.deepEqual(documents.map((document) => document.documentId), ['CD-901', 'CD-902', 'CD-904']);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.line, 3);
    assert.match(warnings[0]?.reason ?? '', /^JSON invalide/);
  });

  it('turns a code record into an article document with its metadata', async () => {
    const { documents } = await loadJsonl(lines(ARTICLE_323_1), context());
    const [document] = documents;
    assert.equal(document?.kind, 'article');
    assert.equal(document?.title, 'Code des douanes, art. 323-1');
    assert.deepEqual(document?.headingPath, ARTICLE_323_1.title_path);
    assert.equal(document?.url, ARTICLE_323_1.source_url);
    assert.equal(document?.classification, 'public');
    assert.deepEqual(document?.article, {
      code: 'Code des douanes',
      number: '323-1',
      validFrom: '2011-06-01',
      // No LEGI id in this record: the identity is code + number, the version is the record itself.
      identity: 'Code des douanes|323-1',
      versionId: 'CD-323-1',
      observedAt: '2024-01-15',
      declared: { validFrom: '2011-06-01' },
      position: 0,
    });
  });

  it('reads the LEGI ids of a version: chronical id as identity, the identical earlier version as version id', async () => {
    const current = { ...ARTICLE_323_1, legi_cid: 'LEGIARTI000023863370', legi_id_2019: 'LEGIARTI000023863371' };
    const legi2019 = { ...ARTICLE_323_1, id: 'LEGIARTI000006615940', cid: 'LEGIARTI000023863370', etat: 'VIGUEUR', valid_to: '2020-01-01', version_date: '2019-07-01' };
    const { documents } = await loadJsonl(lines(current, legi2019), context());
    assert.deepEqual(
      documents.map((document) => [document.article?.identity, document.article?.versionId, document.article?.observedAt, document.article?.validTo]),
      [
        ['LEGIARTI000023863370', 'LEGIARTI000023863371', '2024-01-15', undefined],
        ['LEGIARTI000023863370', 'LEGIARTI000006615940', '2019-07-01', '2020-01-01'],
      ],
    );
  });

  it('turns a Q/A record into one qa document holding question and answer', async () => {
    const record = { id: 'FAQ-1', question: 'Combien de jours de congés annuels ?', answer: 'Cinq fois les obligations hebdomadaires de service.', category: 'Congés', source: 'CISIRH' };
    const [document] = (await loadJsonl(lines(record), context())).documents;
    assert.equal(document?.kind, 'qa');
    assert.equal(document?.question, record.question);
    assert.deepEqual(document?.headingPath, ['CISIRH', 'Congés']);
    assert.ok(document?.text.includes(record.question) && document.text.includes(record.answer));
  });

  it('turns a generic record into a section document', async () => {
    const [document] = (await loadJsonl(lines({ id: 'DOC-1', title: 'Note', text: 'Texte de la note.' }), context())).documents;
    assert.equal(document?.kind, 'section');
    assert.equal(document?.title, 'Note');
  });

  it('reports unknown shapes, duplicate ids and interdit-ia records by line, and keeps the rest', async () => {
    const { documents, warnings } = await loadJsonl(
      lines(ARTICLE_323_1, { id: 'X', foo: 'bar' }, '', ARTICLE_323_1, { ...ARTICLE_323_1, id: 'CD-SECRET', classification: 'interdit IA' }, '[1, 2'),
      context(),
    );
    assert.deepEqual(documents.map((document) => document.documentId), ['CD-323-1']);
    assert.deepEqual(warnings.map((warning) => warning.line), [2, 4, 5, 6]);
    assert.match(warnings[0]?.reason ?? '', /non reconnu/);
    assert.match(warnings[1]?.reason ?? '', /en double/);
    assert.match(warnings[2]?.reason ?? '', /interdit IA/);
  });

  it('takes a record\'s classification field over the file default', async () => {
    const { documents } = await loadJsonl(lines({ ...ARTICLE_323_1, classification: 'diffusion restreinte' }, { ...ARTICLE_323_1, id: 'CD-2' }), context('interne'));
    assert.deepEqual(documents.map((document) => document.classification), ['diffusion-restreinte', 'interne']);
  });

  it('hashes each line, so one changed record changes one hash', async () => {
    const before = (await loadJsonl(lines(ARTICLE_323_1, { ...ARTICLE_323_1, id: 'CD-2' }), context())).documents;
    const after = (await loadJsonl(lines(ARTICLE_323_1, { ...ARTICLE_323_1, id: 'CD-2', text: 'Texte modifié.' }), context())).documents;
    assert.equal(before[0]?.contentHash, after[0]?.contentHash);
    assert.notEqual(before[1]?.contentHash, after[1]?.contentHash);
  });
});

describe('ingestion: JSONL loader — Légifrance export quirks', () => {
  const article = (id: string, text: string, titlePath: string[]) => ({ id, code: 'Code test', num: id.slice(2), title_path: titlePath, text });
  const section = ['Livre III', 'Section 5 : Redevables'];

  it('moves a subdivision heading left at the end of an article to the articles it heads', async () => {
    const { documents } = await loadJsonl(
      lines(
        article('T-1', 'Premier alinéa.\n\n######## Paragraphe 1 : Détention', section),
        article('T-2', 'Est redevable le détenteur.\n\n######## Paragraphe 2 : Déplacement à des fins commerciales', section),
        article('T-3', 'Est redevable le transporteur.', section),
        article('T-4', 'Autre section.', ['Livre III', 'Section 6 : Exigibilité']),
      ),
      context(),
    );
    assert.deepEqual(documents.map((document) => document.text), ['Premier alinéa.', 'Est redevable le détenteur.', 'Est redevable le transporteur.', 'Autre section.']);
    assert.deepEqual(documents.map((document) => document.headingPath.slice(2)), [[], ['Paragraphe 1 : Détention'], ['Paragraphe 2 : Déplacement à des fins commerciales'], []]);
  });

  it('turns an HTML table inside an article into plain rows of cells', async () => {
    const table = '<div class="dqtable"><table><tbody><tr><th>CATÉGORIE</th><th>TARIF</th></tr><tr><td>Gazoles</td><td>60,75</td></tr></tbody></table></div>';
    const { documents } = await loadJsonl(lines(article('T-9', `Les tarifs sont les suivants :\n\n${table}`, section)), context());
    const text = documents[0]?.text ?? '';
    assert.ok(!text.includes('<'), text);
    assert.match(text, /Gazoles\s+60,75/);
  });
});

describe('JSONL loader: links and FAQ text', () => {
  const load = async (record: Record<string, unknown>) => {
    const { loadJsonl } = await import('../../../knowledge/ingestion/loaders/jsonl-loader.ts');
    const result = await loadJsonl(Buffer.from(`${JSON.stringify(record)}\n`), { source: 'f.jsonl', displayName: 'f.jsonl', defaultClassification: 'public' });
    return result.documents[0];
  };

  it('links an article to its own Légifrance page when the record carries its LEGIARTI id, not to the code’s contents', async () => {
    const toc = 'https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006071570';
    const base = { code: 'Code des douanes', num: '1', text: 'Le territoire douanier comprend…', source_url: toc };
    assert.equal((await load({ id: 'CD-1', ...base, legi_cid: 'LEGIARTI000006615334' }))?.url, 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006615334');
    assert.equal((await load({ id: 'CD-1', ...base, legi_id_2019: 'LEGIARTI000006615335' }))?.url, 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006615335');
    assert.equal((await load({ id: 'LEGIARTI000006615336', ...base }))?.url, 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006615336');
    assert.equal((await load({ id: 'CD-1', ...base }))?.url, 'https://www.legifrance.gouv.fr/search/code?tab_selection=code&searchField=NUM_ARTICLE&searchType=ALL&query=1', 'no id anywhere: a search by number in place of the table of contents');
    const article = 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006615334';
    assert.equal((await load({ id: 'CD-1', ...base, source_url: article, legi_cid: 'LEGIARTI000000000001' }))?.url, article, 'an article link is kept');
  });

  it('drops the FAQ’s emphasis markers (no stray ** once quotes are cut into sentences), keeps links', async () => {
    const document = await load({ id: 'FAQ-1', question: 'Un **détachement** est-il possible ?', answer: '**Les détachements concomitants sont incompatibles.**\n\n_Hypothèse du détachement sur emploi_\nVoir [la note](https://example.gouv.fr/note.pdf) et le fichier mon_fichier_rh.' });
    assert.equal(document?.title, 'Un détachement est-il possible ?');
    assert.equal(document?.text, 'Question : Un détachement est-il possible ?\n\nRéponse : Les détachements concomitants sont incompatibles.\n\nHypothèse du détachement sur emploi\nVoir [la note](https://example.gouv.fr/note.pdf) et le fichier mon_fichier_rh.');
  });
});
