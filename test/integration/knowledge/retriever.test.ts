import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PasserelleError } from '../../../bots/errors.ts';
import type { Knowledge } from '../../../knowledge/create-knowledge.ts';
import type { RetrievalRequest } from '../../../knowledge/retriever.ts';
import { ARTICLES, makeTempDir, openKnowledge, writeJsonl } from '../helpers/knowledge-fixtures.ts';

const RESTRICTED = {
  ...ARTICLES.zones,
  id: 'NOTE-DR-1',
  num: '999',
  classification: 'diffusion-restreinte',
  text: 'Consigne de ciblage des conteneurs de tabac manufacturé au port du Havre : contrôle renforcé des conteneurs venant de zones franches.',
};
const EXPIRED = { ...ARTICLES.zones, id: 'CD-215-ancien', num: '215', valid_from: '1990-01-01', valid_to: '2015-01-01', text: 'Ancienne rédaction : les tabacs manufacturés circulent sous couvert d’un document d’accompagnement.' };
const FUTURE = { ...ARTICLES.zones, id: 'CD-215-futur', num: '215', valid_from: '2100-01-01', valid_to: null, text: 'Rédaction future : les tabacs manufacturés circulent sous couvert d’un document électronique.' };

describe('retriever (real embedded store, lexical)', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let knowledge: Knowledge;
  const retrieve = (request: Partial<RetrievalRequest> & { question: string }) =>
    knowledge.retriever.retrieve({ kb: 'legal', maxClassification: 'diffusion-restreinte', limit: 10, ...request });
  const documentIds = async (request: Partial<RetrievalRequest> & { question: string }) => (await retrieve(request)).passages.map((passage) => passage.chunk.documentId);

  before(async () => {
    temp = makeTempDir('retriever');
    knowledge = await openKnowledge(join(temp.path, 'data'));
    const corpus = writeJsonl(join(temp.path, 'code.jsonl'), [...Object.values(ARTICLES), RESTRICTED, EXPIRED, FUTURE]);
    const report = await knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [corpus], { defaultClassification: 'public' });
    assert.equal(report.added, 8);
  });
  after(async () => {
    await knowledge.close();
    temp.remove();
  });

  it('puts the article a question names first, marked namedInQuestion', async () => {
    const { passages } = await retrieve({ question: 'Que prévoit l’article 414 ?' });
    assert.equal(passages[0]?.chunk.documentId, 'CD-414');
    assert.equal(passages[0]?.namedInQuestion, true);
    assert.ok(passages.slice(1).every((passage) => !passage.namedInQuestion && passage.chunk.documentId !== 'CD-414'), 'named article listed twice');
  });

  it('finds "art. 60 bis du code des douanes" and not article 60', async () => {
    const { passages } = await retrieve({ question: 'Que dit l’art. 60 bis du code des douanes sur les examens ?' });
    assert.equal(passages[0]?.chunk.documentId, 'CD-60_bis');
    assert.equal(passages[0]?.namedInQuestion, true);
    assert.equal(passages.filter((passage) => passage.namedInQuestion).length, 1);
  });

  it('finds "60bis" written without a space', async () => {
    assert.equal((await documentIds({ question: 'article 60bis' }))[0], 'CD-60_bis');
  });

  it('does not take an article of another code as named', async () => {
    const { passages } = await retrieve({ question: 'article 414 du code général de la fonction publique' });
    assert.ok(passages.every((passage) => !passage.namedInQuestion));
  });

  it('ranks by content when no article is named, lexicon included ("garde à vue" → retenue douanière)', async () => {
    assert.equal((await documentIds({ question: 'Quand peut-on placer quelqu’un en garde à vue ?' }))[0], 'CD-323-1');
    assert.equal((await documentIds({ question: 'examens médicaux stupéfiants' }))[0], 'CD-60_bis');
  });

  it('returns at most `limit` passages', async () => {
    const { passages } = await retrieve({ question: 'agents des douanes', limit: 2 });
    assert.equal(passages.length, 2);
  });

  it('never returns a passage above the asker’s classification, even when named', async () => {
    assert.ok((await documentIds({ question: 'ciblage des conteneurs de tabac au Havre' })).includes('NOTE-DR-1'));
    assert.ok((await documentIds({ question: 'article 999' })).includes('NOTE-DR-1'));
    for (const maxClassification of ['public', 'interne'] as const) {
      assert.ok(!(await documentIds({ question: 'ciblage des conteneurs de tabac au Havre', maxClassification })).includes('NOTE-DR-1'));
      assert.ok(!(await documentIds({ question: 'article 999', maxClassification })).includes('NOTE-DR-1'));
    }
  });

  it('filters by date in force, keeping articles of unknown validity', async () => {
    const question = 'tabacs manufacturés document d’accompagnement';
    assert.deepEqual((await documentIds({ question })).filter((id) => id.startsWith('CD-215')).sort(), ['CD-215-ancien', 'CD-215-futur']);
    assert.deepEqual((await documentIds({ question, inForceAt: '2024-06-01' })).filter((id) => id.startsWith('CD-215')), []);
    assert.deepEqual((await documentIds({ question, inForceAt: '2010-06-01' })).filter((id) => id.startsWith('CD-215')), ['CD-215-ancien']);
    assert.ok((await documentIds({ question: 'visite des marchandises', inForceAt: '2024-06-01' })).includes('CD-60'));
  });

  it('applies the date filter to named articles too', async () => {
    assert.equal((await documentIds({ question: 'article 323-1', inForceAt: '2024-06-01' }))[0], 'CD-323-1');
    assert.ok(!(await documentIds({ question: 'article 323-1', inForceAt: '2005-01-01' })).includes('CD-323-1'));
    assert.deepEqual((await retrieve({ question: 'article 215', inForceAt: '2024-06-01' })).passages.filter((passage) => passage.namedInQuestion), []);
  });

  async function rejection(request: Partial<RetrievalRequest> & { question: string }): Promise<PasserelleError> {
    try {
      await retrieve(request);
    } catch (error) {
      assert.ok(error instanceof PasserelleError);
      return error;
    }
    assert.fail('retrieval accepted');
  }

  for (const question of ['', '   ', '?!', ' … — ']) {
    it(`refuses ${JSON.stringify(question)} with QUERY_EMPTY`, async () => {
      const error = await rejection({ question });
      assert.equal(error.code, 'QUERY_EMPTY');
      assert.match(error.userMessage, /La question est vide/);
    });
  }

  it('refuses a 100 KB question with QUERY_TOO_LONG, giving the limit', async () => {
    const error = await rejection({ question: 'douane '.repeat(15_000) });
    assert.equal(error.code, 'QUERY_TOO_LONG');
    assert.match(error.userMessage, /maximum 4000/);
  });

  it('refuses an unknown base with UNKNOWN_KNOWLEDGE_BASE, listing the bases', async () => {
    const error = await rejection({ question: 'article 414', kb: 'fiscalite' });
    assert.equal(error.code, 'UNKNOWN_KNOWLEDGE_BASE');
    assert.equal(error.userMessage, 'La base « fiscalite » n’existe pas. Bases disponibles : legal, hr, procedures.');
  });

  it('answers an empty base with no passage', async () => {
    const { passages, dense } = await knowledge.retriever.retrieve({ question: 'congés annuels', kb: 'hr', maxClassification: 'interne' });
    assert.deepEqual(passages, []);
    assert.equal(dense, false);
  });
});
