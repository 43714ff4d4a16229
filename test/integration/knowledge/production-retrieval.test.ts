import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Knowledge } from '../../../knowledge/create-knowledge.ts';
import { startFakeModelServer, type ChatRequestBody, type FakeModelServer } from '../../fakes/model-server.ts';
import { fakeRelevance, startFakeRerankServer, type FakeRerankServer } from '../../fakes/rerank-server.ts';
import { ARTICLES, makeTempDir, openKnowledge, writeJsonl } from '../helpers/knowledge-fixtures.ts';

/**
 * The production retrieval path — a cross-encoder over HTTP and query rewriting by the chat model — against
 * fakes that speak the real protocols, on the real embedded store.
 */
describe('retrieval with a cross-encoder and query rewriting (protocol fakes, real store)', function () {
  this.timeout(30_000);
  let temp: ReturnType<typeof makeTempDir>;
  let reranker: FakeRerankServer;
  let model: FakeModelServer;
  let knowledge: Knowledge | undefined;
  const legal = { kb: 'legal', maxClassification: 'diffusion-restreinte' as const };
  const RESTRICTED = { ...ARTICLES.contrebande!, id: 'CD-415', num: '415', classification: 'interne', text: 'Sont passibles des peines de la contrebande les visites de marchandises prohibées transportées en fraude.' };

  before(async () => {
    reranker = await startFakeRerankServer();
    model = await startFakeModelServer();
  });
  beforeEach(() => {
    temp = makeTempDir('production-retrieval');
    reranker.reset();
    model.reset();
  });
  afterEach(async () => {
    await knowledge?.close();
    knowledge = undefined;
    temp.remove();
  });
  after(async () => {
    await reranker.close();
    await model.close();
  });

  async function open(env: Record<string, string>): Promise<Knowledge> {
    knowledge = await openKnowledge(join(temp.path, 'data'), env);
    const file = writeJsonl(join(temp.path, 'code.jsonl'), [ARTICLES.visite, ARTICLES.stupefiants, ARTICLES.retenue, ARTICLES.contrebande, ARTICLES.zones, RESTRICTED]);
    await knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [file], { defaultClassification: 'public' });
    return knowledge;
  }

  it('fuses the cross-encoder’s order with the lexical one, and never sends a passage above its ceiling', async () => {
    const plain = await open({});
    const question = 'visite des marchandises prohibées et contrebande';
    const lexical = (await plain.retriever.retrieve({ ...legal, question, limit: 6 })).passages.map((passage) => passage.chunk.documentId);
    await plain.close();
    knowledge = undefined;
    temp.remove();
    temp = makeTempDir('production-retrieval');

    const withModel = await open({ RERANKER_PROVIDER: 'tei', RERANKER_URL: reranker.url, RERANKER_CEILING: 'public' });
    const result = await withModel.retriever.retrieve({ ...legal, question, limit: 6 });
    assert.equal(result.crossEncoded, true);
    const sent = reranker.requests.flatMap((request) => request.body.texts as string[]);
    assert.ok(sent.length >= 2);
    assert.ok(!sent.some((text) => text.includes('transportées en fraude')), 'the interne passage was sent to a public-only cross-encoder');
    assert.ok(result.passages.some((passage) => passage.chunk.documentId === 'CD-415'), 'the unsent passage keeps its place in the list');
    const fused = result.passages.map((passage) => passage.chunk.documentId);
    assert.deepEqual([...fused].sort(), [...lexical].sort(), 'same candidates, re-ordered');
    // The passage the cross-encoder found most relevant ranks no lower than in the lexical order.
    const scores = (reranker.requests[0]?.body.texts as string[]).map((text) => ({ text, score: fakeRelevance(question, text) }));
    const favourite = result.passages.find((passage) => passage.chunk.text === scores.sort((a, b) => b.score - a.score)[0]?.text.split('\n').at(-1));
    assert.ok(favourite, 'the favourite passage is in the list');
    assert.ok(fused.indexOf(favourite.chunk.documentId) <= lexical.indexOf(favourite.chunk.documentId));
  });

  it('keeps the lexical order when the cross-encoder fails or is too slow', async () => {
    const withModel = await open({ RERANKER_PROVIDER: 'cohere', RERANKER_URL: `${reranker.url}/v1`, RERANKER_TIMEOUT_MS: '200' });
    reranker.queue({ status: 503 });
    const failed = await withModel.retriever.retrieve({ ...legal, question: 'visite des marchandises' });
    assert.equal(failed.crossEncoded, false);
    reranker.queue({ delayMs: 1_000 });
    const slow = await withModel.retriever.retrieve({ ...legal, question: 'visite des marchandises' });
    assert.equal(slow.crossEncoded, false);
    assert.deepEqual(slow.passages.map((passage) => passage.chunk.id), failed.passages.map((passage) => passage.chunk.id));
    assert.equal((await withModel.retriever.retrieve({ ...legal, question: 'visite des marchandises' })).crossEncoded, true);
  });

  it('adds the chat model’s restatement to the question’s terms; only the redacted question leaves', async () => {
    const env = { CHAT_MODEL_PROVIDER: 'openai-compatible', CHAT_MODEL_URL: `${model.url}/v1`, CHAT_MODEL_NAME: 'albert-large', PASSERELLE_QUERY_REWRITE: 'model' };
    const withModel = await open(env);
    model.onChat(() => ({ content: 'placement en retenue douanière en cas de flagrant délit douanier' }));
    const question = 'on a chopé le gars en flag, on peut le garder au poste ? écrivez-moi à jean.dupont@douane.finances.gouv.fr';
    const result = await withModel.retriever.retrieve({ ...legal, question });
    assert.equal(result.rewritten, 'placement en retenue douanière en cas de flagrant délit douanier');
    assert.equal(result.passages[0]?.chunk.documentId, 'CD-323-1');
    const sent = JSON.stringify((model.requests.at(-1)?.body as ChatRequestBody).messages);
    assert.ok(!sent.includes('jean.dupont@'), 'the e-mail address reached the model');
    assert.ok(!sent.includes('retenue douanière d'), 'no passage goes to the rewriter');

    model.onChat(() => ({ content: '' }));
    const failed = await withModel.retriever.retrieve({ ...legal, question: 'visite des moyens de transport et des personnes' });
    assert.equal(failed.rewritten, undefined);
    assert.equal(failed.passages[0]?.chunk.documentId, 'CD-60');
    const before = model.requests.length;
    await withModel.retriever.retrieve({ ...legal, question: 'que dit l’article 414 ?' });
    assert.equal(model.requests.length, before, 'a question naming its article needs no rewriting');
  });
});
