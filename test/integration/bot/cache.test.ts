import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { startFakeModelServer, type FakeModelServer } from '../../fakes/model-server.ts';
import { jsonl, LEGAL_RECORDS } from './corpus.ts';
import { answerOf, chatRequests, scriptModel, startHarness, type Harness, paraphraseOf } from './harness.ts';

const QUESTION = 'Quels sont les pouvoirs de visite des agents des douanes ?';
let conversation = 0;
const ask = async (harness: Harness, text = QUESTION) => answerOf(await harness.say(text, { conversation: { key: `teams:cache-${++conversation}`, reference: {} } }));

describe('answer cache', function () {
  this.timeout(30_000);
  let server: FakeModelServer;
  let harness: Harness;
  before(async () => {
    server = await startFakeModelServer();
    harness = await startHarness({ model: { provider: 'mistral', server } });
  });
  beforeEach(async () => {
    server.reset();
    await harness.app.state.cacheInvalidate('');
  });
  after(async () => {
    await harness.close();
    await server.close();
  });

  it('answers the same question a second time from the cache, with no model request', async () => {
    scriptModel(server, { answers: [{ content: 'Première réponse : les agents peuvent visiter les marchandises [1].' }, { content: 'Seconde réponse [1].' }] });
    const first = await ask(harness);
    const requests = chatRequests(server).length;
    assert.ok(requests >= 1);
    const second = await ask(harness, `  ${QUESTION.toUpperCase()}  `);
    assert.equal(chatRequests(server).length, requests, 'no model request for a cached answer');
    assert.equal(second.text, first.text);
    assert.deepEqual(second.citations, first.citations);
    const [audit] = await harness.app.state.listAudit(1);
    assert.deepEqual([audit?.kind, audit?.inputTokens, audit?.outputTokens], ['generative', 0, 0]);
  });

  it('misses after a passage it cited was re-ingested with new content', async () => {
    scriptModel(server, { answers: [{ content: 'Avant : les agents peuvent visiter les marchandises [1].' }, { content: 'Après : les agents peuvent visiter les marchandises et les bagages [1].' }] });
    assert.ok(paraphraseOf((await ask(harness)).text).startsWith('Avant'));
    const changed = LEGAL_RECORDS.map((record) => (record.id === 'CD-60' ? { ...record, text: `${String(record.text)} Ils peuvent aussi visiter les bagages.` } : record));
    writeFileSync(harness.files.legal, jsonl(changed));
    const report = await harness.app.knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [harness.files.legal], { defaultClassification: 'public' });
    assert.equal(report.updated, 1);
    const reply = await ask(harness);
    assert.ok(paraphraseOf(reply.text).startsWith('Après'), reply.text);
    assert.equal(chatRequests(server, 'answer').length, 2);
  });

  it('does not cache an answer degraded by a model failure', async () => {
    scriptModel(server, { answers: [{ status: 503 }, { content: 'Réponse complète : les agents peuvent visiter les marchandises [1].' }] });
    assert.ok((await ask(harness)).text.startsWith('Le modèle de langage ne répond pas'));
    assert.ok(paraphraseOf((await ask(harness)).text).startsWith('Réponse complète : les agents peuvent visiter les marchandises [1].'));
  });

  it('offline: a cached extractive answer is not served once the passage changed', async () => {
    const offline = await startHarness();
    try {
      const first = await ask(offline);
      assert.equal((await ask(offline)).text, first.text);
      const changed = LEGAL_RECORDS.map((record) => (record.id === 'CD-60' ? { ...record, text: 'Les agents des douanes peuvent procéder à la visite des marchandises, des bagages et des moyens de transport.' } : record));
      writeFileSync(offline.files.legal, jsonl(changed));
      await offline.app.knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [offline.files.legal], { defaultClassification: 'public' });
      assert.match((await ask(offline)).text, /des marchandises, des bagages et des moyens de transport/);
    } finally {
      await offline.close();
    }
  });
});
