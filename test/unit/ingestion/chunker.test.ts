import assert from 'node:assert/strict';
import { chunkDocument } from '../../../knowledge/ingestion/chunker.ts';
import type { SourceDocument } from '../../../knowledge/types.ts';

const MAX = 400;

function document(overrides: Partial<SourceDocument>): SourceDocument {
  return {
    documentId: 'doc',
    source: 'corpus/doc',
    kind: 'section',
    title: 'Titre',
    headingPath: [],
    text: 'Texte.',
    classification: 'interne',
    contentHash: 'hash',
    ...overrides,
  };
}

/** A paragraph of `count` short sentences (each about 60 characters). */
const paragraph = (label: string, count: number) =>
  Array.from({ length: count }, (_, index) => `Phrase ${index + 1} du paragraphe ${label}, assez longue pour compter.`).join(' ');

const article = (text: string) =>
  document({
    documentId: 'CD-414',
    kind: 'article',
    title: 'Code des douanes, art. 414',
    headingPath: ['Titre XII : Contentieux et recouvrement', 'Chapitre VI : Dispositions répressives'],
    url: 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000048',
    article: { code: 'Code des douanes', number: '414', validFrom: '2023-12-01' },
    text,
  });

describe('ingestion: chunker', () => {
  it('keeps a short article as one chunk, with its identity and no section', () => {
    const chunks = chunkDocument(article('Sont passibles d’un emprisonnement de trois ans…\n\nLa peine est portée à dix ans…'), 'legal', MAX);
    assert.equal(chunks.length, 1);
    const [chunk] = chunks;
    assert.equal(chunk?.id, 'CD-414#0');
    assert.equal(chunk?.kb, 'legal');
    assert.equal(chunk?.section, undefined);
    assert.deepEqual([chunk?.part, chunk?.parts], [0, 1]);
    assert.equal(chunk?.text, 'Sont passibles d’un emprisonnement de trois ans…\n\nLa peine est portée à dix ans…');
  });

  it('splits a long article on paragraphs, every part keeping title, headings, article and "partie i/n"', () => {
    const paragraphs = ['A', 'B', 'C', 'D'].map((label) => paragraph(label, 4));
    const chunks = chunkDocument(article(paragraphs.join('\n\n')), 'legal', MAX);
    assert.ok(chunks.length >= 2, `${chunks.length} chunk(s)`);
    chunks.forEach((chunk, index) => {
      assert.equal(chunk.id, `CD-414#${index}`);
      assert.equal(chunk.title, 'Code des douanes, art. 414');
      assert.deepEqual(chunk.headingPath, ['Titre XII : Contentieux et recouvrement', 'Chapitre VI : Dispositions répressives']);
      assert.deepEqual(chunk.article, { code: 'Code des douanes', number: '414', validFrom: '2023-12-01' });
      assert.equal(chunk.url, 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000048');
      assert.equal(chunk.section, `partie ${index + 1}/${chunks.length}`);
      assert.equal(chunk.parts, chunks.length);
      assert.ok(chunk.text.length <= MAX, `part ${index}: ${chunk.text.length} characters`);
    });
    // Cut between paragraphs: every paragraph is found whole in one part.
    for (const text of paragraphs) assert.equal(chunks.filter((chunk) => chunk.text.includes(text)).length, 1);
  });

  it('keeps a Q/A pair whole, however long', () => {
    const qa = document({ kind: 'qa', documentId: 'FAQ-1', text: `Question : congés ?\n\nRéponse : ${paragraph('R', 20)}` });
    const chunks = chunkDocument(qa, 'hr', MAX);
    assert.equal(chunks.length, 1);
    assert.equal(chunks[0]?.text, qa.text);
  });

  it('splits a document on its headings, nested headings going into the heading path', () => {
    const text = '# Guide\n\nIntroduction.\n\n## Objet\n\nTexte de l’objet.\n\n### Détail\n\nTexte du détail.\n\n## Modalités\n\nTexte des modalités.';
    const chunks = chunkDocument(document({ text }), 'procedures', MAX);
    assert.deepEqual(
      chunks.map((chunk) => [chunk.headingPath, chunk.section, chunk.text]),
      [
        [[], 'Guide', 'Introduction.'],
        [['Guide'], 'Objet', 'Texte de l’objet.'],
        [['Guide', 'Objet'], 'Détail', 'Texte du détail.'],
        [['Guide'], 'Modalités', 'Texte des modalités.'],
      ],
    );
    assert.deepEqual(chunks.map((chunk) => chunk.id), ['doc#0', 'doc#1', 'doc#2', 'doc#3']);
  });

  it('puts the document heading path above the section headings', () => {
    const chunks = chunkDocument(document({ headingPath: ['Notes'], text: '## Objet\n\nTexte.' }), 'procedures', MAX);
    assert.deepEqual(chunks[0]?.headingPath, ['Notes']);
    assert.equal(chunks[0]?.section, 'Objet');
  });

  it('never exceeds maxChars, splitting a long paragraph on sentences', () => {
    const text = `## Section\n\n${paragraph('A', 20)}\n\n${paragraph('B', 3)}`;
    const chunks = chunkDocument(document({ text }), 'procedures', MAX);
    assert.ok(chunks.length >= 4);
    for (const chunk of chunks) {
      assert.ok(chunk.text.length <= MAX, `${chunk.text.length} > ${MAX}`);
      assert.equal(chunk.section, 'Section');
      assert.match(chunk.text, /\.$/, 'a chunk ends at a sentence boundary');
    }
    assert.equal(chunks.map((chunk) => chunk.text).join(' ').replace(/\s+/g, ' '), `${paragraph('A', 20)} ${paragraph('B', 3)}`);
  });

  it('cuts a sentence longer than maxChars between words, never inside one, and loses no text', () => {
    const words = Array.from({ length: 120 }, (_, index) => `procédure${'x'.repeat(index % 7)}`);
    const sentence = `${words.join(' ')}.`;
    assert.ok(sentence.length > 2 * MAX);
    const chunks = chunkDocument(document({ text: `Court.\n\n${sentence}` }), 'procedures', MAX);
    assert.ok(chunks.length >= 3);
    for (const chunk of chunks) {
      assert.ok(chunk.text.length <= MAX, `${chunk.text.length} > ${MAX}`);
      for (const word of chunk.text.replace(/[.]/g, '').split(/\s+/)) assert.ok(word === 'Court' || words.includes(word), `cut word « ${word} »`);
    }
    assert.equal(chunks.map((chunk) => chunk.text).join(' '), `Court. ${sentence}`);
  });

  it('cuts inside a word only when that single word is longer than maxChars', () => {
    const word = 'a'.repeat(MAX * 2 + 10);
    const chunks = chunkDocument(document({ text: word }), 'procedures', MAX);
    assert.deepEqual(chunks.map((chunk) => chunk.text.length), [MAX, MAX, 10]);
  });

  it('copies classification, source, hash and url to every chunk', () => {
    const chunks = chunkDocument(document({ classification: 'diffusion-restreinte', url: 'https://intranet/note', text: '## A\n\nUn.\n\n## B\n\nDeux.' }), 'procedures', MAX);
    assert.equal(chunks.length, 2);
    for (const chunk of chunks) {
      assert.equal(chunk.classification, 'diffusion-restreinte');
      assert.equal(chunk.source, 'corpus/doc');
      assert.equal(chunk.contentHash, 'hash');
      assert.equal(chunk.url, 'https://intranet/note');
      assert.equal(chunk.parts, 2);
    }
  });

  it('gives the page range of the paragraphs in each chunk', () => {
    const text = ['## Saisie', 'Premier paragraphe.', 'Deuxième paragraphe.', '## Consignation', 'Troisième paragraphe.'].join('\n\n');
    const chunks = chunkDocument(document({ text, pages: [1, 1, 2, 2, 3] }), 'procedures', MAX);
    assert.deepEqual(chunks.map((chunk) => [chunk.section, chunk.pages]), [['Saisie', 'p. 1-2'], ['Consignation', 'p. 3']]);
  });
});
