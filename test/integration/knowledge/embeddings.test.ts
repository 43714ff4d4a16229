import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Knowledge } from '../../../knowledge/create-knowledge.ts';
import { startFakeModelServer, type EmbeddingsRequestBody, type FakeModelServer } from '../../fakes/model-server.ts';
import { ARTICLES, makeTempDir, openKnowledge, writeJsonl } from '../helpers/knowledge-fixtures.ts';

const RESTRICTED = { ...ARTICLES.zones, id: 'NOTE-DR', num: '998', classification: 'diffusion-restreinte', text: 'Consigne de ciblage des conteneurs au port du Havre : priorité aux navires venant de Tanger.' };
const INTERNAL = { ...ARTICLES.zones, id: 'NOTE-INT', num: '997', classification: 'interne', text: 'Note interne : planning des équipes de surveillance du terminal fret.' };

/** A tiny "semantic" embedder: one axis per concept, so that a question sharing no word with a text can still match it. */
function conceptVector(text: string): number[] {
  const t = text.toLowerCase();
  return [/stupéfiant|boulette|ovule/.test(t) ? 1 : 0, /contrebande|fraude/.test(t) ? 1 : 0, /territoire|zone/.test(t) ? 1 : 0, 0.05];
}

describe('dense retrieval with an OpenAI-compatible embedder (fake model server, real store)', () => {
  let server: FakeModelServer;
  let temp: ReturnType<typeof makeTempDir>;
  let knowledge: Knowledge;

  const embeddedInputs = () =>
    server.requests
      .filter((request) => request.path === '/v1/embeddings')
      .flatMap((request) => {
        const input = (request.body as EmbeddingsRequestBody).input;
        return Array.isArray(input) ? input : [input ?? ''];
      });

  before(async () => {
    server = await startFakeModelServer();
    server.onEmbeddings((request) => {
      const input = request.body.input;
      return { vectors: (Array.isArray(input) ? input : [input ?? '']).map(conceptVector) };
    });
    temp = makeTempDir('dense');
    knowledge = await openKnowledge(
      join(temp.path, 'data'),
      { EMBEDDINGS_PROVIDER: 'openai-compatible', EMBEDDINGS_URL: `${server.url}/v1`, EMBEDDINGS_MODEL: 'text-embedding-3-small', EMBEDDINGS_CEILING: 'public' },
      { embeddings: { maxRetries: 0 } },
    );
    assert.equal(knowledge.embedding?.dimensions, 4);
    const corpus = writeJsonl(join(temp.path, 'code.jsonl'), [...Object.values(ARTICLES), RESTRICTED, INTERNAL]);
    const report = await knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [corpus], { defaultClassification: 'public' });
    assert.equal(report.added, 7);
  });
  after(async () => {
    await knowledge.close();
    await server.close();
    temp.remove();
  });

  it('sends the embedder only the chunks at or below its ceiling', () => {
    const inputs = embeddedInputs();
    for (const article of Object.values(ARTICLES)) assert.ok(inputs.some((input) => input.includes(article.text)), `${article.id} not embedded`);
    assert.ok(!inputs.some((input) => input.includes('Tanger') || input.includes('ciblage')), 'diffusion-restreinte text sent to the embedder');
    assert.ok(!inputs.some((input) => input.includes('planning des équipes')), 'interne text sent to a public-cleared embedder');
  });

  it('fuses dense and lexical ranking: a question sharing no word with the text still finds it', async () => {
    const question = 'boulettes avalées par un passager';
    const lexicalOnly = await knowledge.store.search({ kb: 'legal', sparse: knowledge.encoder.encodeQuery(question), filter: { maxClassification: 'public' }, limit: 10 });
    assert.deepEqual(lexicalOnly, [], 'the question must have no lexical match for this test to mean anything');
    const result = await knowledge.retriever.retrieve({ question, kb: 'legal', maxClassification: 'public' });
    assert.equal(result.dense, true);
    assert.equal(result.passages[0]?.chunk.documentId, 'CD-60_bis');
    assert.ok(embeddedInputs().includes(question));
  });

  it('still ranks lexically matching articles first in hybrid mode', async () => {
    const result = await knowledge.retriever.retrieve({ question: 'contrebande emprisonnement confiscation', kb: 'legal', maxClassification: 'public' });
    assert.equal(result.dense, true);
    assert.equal(result.passages[0]?.chunk.documentId, 'CD-414');
  });

  it('does not send the question of an asker cleared above the embedder ceiling, and still finds restricted text lexically', async () => {
    const question = 'ciblage des conteneurs au Havre';
    const result = await knowledge.retriever.retrieve({ question, kb: 'legal', maxClassification: 'diffusion-restreinte' });
    assert.equal(result.dense, false);
    assert.equal(result.passages[0]?.chunk.documentId, 'NOTE-DR');
    assert.ok(!embeddedInputs().includes(question));
  });

  it('falls back to lexical results when the embedder fails at query time', async () => {
    server.queueEmbeddings({ status: 503 });
    const failed = await knowledge.retriever.retrieve({ question: 'examens médicaux de dépistage', kb: 'legal', maxClassification: 'public' });
    assert.equal(failed.dense, false);
    assert.equal(failed.passages[0]?.chunk.documentId, 'CD-60_bis');
    server.queueEmbeddings({ dropConnection: true });
    const dropped = await knowledge.retriever.retrieve({ question: 'visite des marchandises', kb: 'legal', maxClassification: 'public' });
    assert.equal(dropped.dense, false);
    assert.equal(dropped.passages[0]?.chunk.documentId, 'CD-60');
  });

  it('keeps working lexically when the embedder server is gone', async () => {
    await server.close();
    const result = await knowledge.retriever.retrieve({ question: 'article 414', kb: 'legal', maxClassification: 'public' });
    assert.equal(result.dense, false);
    assert.equal(result.passages[0]?.chunk.documentId, 'CD-414');
    assert.equal(result.passages[0]?.namedInQuestion, true);
  });
});

describe('embeddings service down at start (fake model server, real store)', () => {
  let server: FakeModelServer;
  let temp: ReturnType<typeof makeTempDir>;
  let healthy = true;
  const env = () => ({ EMBEDDINGS_PROVIDER: 'openai-compatible', EMBEDDINGS_URL: `${server.url}/v1`, EMBEDDINGS_MODEL: 'text-embedding-3-small', EMBEDDINGS_CEILING: 'public' });

  before(async () => {
    server = await startFakeModelServer();
    server.onEmbeddings((request) => {
      if (!healthy) return { status: 503 };
      const input = request.body.input;
      return { vectors: (Array.isArray(input) ? input : [input ?? '']).map(conceptVector) };
    });
    temp = makeTempDir('dense-down');
    const knowledge = await openKnowledge(join(temp.path, 'data'), env(), { embeddings: { maxRetries: 0 } });
    await knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [writeJsonl(join(temp.path, 'code.jsonl'), Object.values(ARTICLES))], { defaultClassification: 'public' });
    await knowledge.close();
  });
  after(async () => {
    await server.close();
    temp.remove();
  });

  it('opens in lexical mode with a warning, searches lexically, and brings dense search back when the service answers', async () => {
    healthy = false;
    const logged: string[] = [];
    // reprobeMs 1: every search while down is due for a probe (no waiting in the test).
    const knowledge = await openKnowledge(join(temp.path, 'data'), env(), { embeddings: { maxRetries: 0, reprobeMs: 1 } }, (message) => logged.push(message));
    try {
      assert.equal(knowledge.embedding?.available, false);
      assert.match(logged.join('\n'), /embeddings service unavailable at start .*lexical search only, probed again/);
      const lexical = await knowledge.retriever.retrieve({ question: 'examens médicaux de dépistage', kb: 'legal', maxClassification: 'public' });
      assert.equal(lexical.dense, false);
      assert.equal(lexical.passages[0]?.chunk.documentId, 'CD-60_bis');
      await assert.rejects(
        knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [writeJsonl(join(temp.path, 'more.jsonl'), [ARTICLES.zones])]),
        (error: Error & { code?: string }) => error.code === 'EMBEDDER_UNAVAILABLE',
        'chunks are never stored without their vectors',
      );
      healthy = true;
      const dense = await knowledge.retriever.retrieve({ question: 'boulettes avalées par un passager', kb: 'legal', maxClassification: 'public' });
      assert.equal(dense.dense, true);
      assert.equal(dense.passages[0]?.chunk.documentId, 'CD-60_bis');
      assert.match(logged.at(-1) ?? '', /embeddings service answers again .*dense search resumed/);
    } finally {
      await knowledge.close();
    }
  });

  it('does not wait for the service on every question while it is down: one probe per interval', async () => {
    healthy = false;
    const knowledge = await openKnowledge(join(temp.path, 'data'), env(), { embeddings: { maxRetries: 0, reprobeMs: 3_600_000 } });
    try {
      const before = server.requests.length;
      for (const question of ['visite des marchandises', 'contrebande', 'article 414']) {
        assert.equal((await knowledge.retriever.retrieve({ question, kb: 'legal', maxClassification: 'public' })).dense, false);
      }
      assert.equal(server.requests.length, before, 'no request to a service known to be down before its next probe');
    } finally {
      await knowledge.close();
      healthy = true;
    }
  });
});
