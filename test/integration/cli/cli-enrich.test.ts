import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeModelServer, type ChatRequestBody, type FakeModelServer } from '../../fakes/model-server.ts';
import { ARTICLES, makeTempDir, writeJsonl } from '../helpers/knowledge-fixtures.ts';
import { cli } from '../helpers/run-cli.ts';

/**
 * `passerelle enrich` end to end: the real CLI, the real embedded store and enrichment store, the in-process
 * queue, and a fake OpenAI-compatible model server writing the entries.
 */
describe('CLI: passerelle enrich (fake model server, real stores)', function () {
  this.timeout(60_000);
  let temp: ReturnType<typeof makeTempDir>;
  let model: FakeModelServer;
  let env: Record<string, string>;
  let corpus: string;
  const INTERNE = { ...ARTICLES.zones!, id: 'CD-2', num: '2', classification: 'interne', text: 'Note interne sur les zones de contrôle aux frontières.' };

  const articleOf = (body: ChatRequestBody) => {
    const user = String(body.messages?.find((message) => message.role === 'user')?.content ?? '');
    return /art\. (\S+)/.exec(user)?.[1] ?? '?';
  };

  before(async () => {
    model = await startFakeModelServer();
  });
  after(() => model.close());
  beforeEach(() => {
    temp = makeTempDir('cli-enrich');
    model.reset();
    env = { PASSERELLE_DATA_DIR: join(temp.path, 'data'), CHAT_MODEL_PROVIDER: 'openai-compatible', CHAT_MODEL_URL: `${model.url}/v1`, CHAT_MODEL_NAME: 'albert-large' };
    corpus = writeJsonl(join(temp.path, 'code.jsonl'), [ARTICLES.visite, ARTICLES.contrebande, INTERNE]);
    model.onChat((request) => {
      const number = articleOf(request.body as ChatRequestBody);
      const entry = number === '60'
        ? { subject: 'Visite des véhicules', questions: ['on peut fouiller un camping-car ?'], terms: ['fouille', 'camping-car'] }
        : { subject: `Article ${number}`, questions: ['c’est puni comment ?'], terms: ['trafic'] };
      return { content: `Voici l’entrée : ${JSON.stringify(entry)}` };
    });
  });
  afterEach(() => temp.remove());

  const search = async (question: string, extra: Record<string, string> = {}) => {
    const run = await cli(['search', '--kb', 'legal', '--json', question], { ...env, ...extra });
    return (JSON.parse(run.out) as Array<{ documentId: string }>).map((hit) => hit.documentId);
  };

  it('writes machine drafts for the documents without an entry, re-indexes them, and only redoes changed articles', async () => {
    assert.equal((await cli(['ingest', '--kb', 'legal', '--classification', 'public', corpus], env)).code, 0);
    assert.deepEqual(await search('camping-car'), []);
    const run = await cli(['enrich', '--kb', 'legal'], env);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /2 entrée\(s\) écrite\(s\) par le modèle \(brouillons à relire\) ; 2 document\(s\) sur 3/);
    assert.equal(model.requests.filter((request) => request.path.endsWith('/chat/completions')).length, 2, 'the interne article is above the model’s ceiling: never sent');
    assert.ok(model.requests.every((request) => !JSON.stringify(request.body).includes('Note interne')));
    assert.deepEqual(await search('camping-car'), ['CD-60']);

    const list = await cli(['enrich', '--kb', 'legal', '--list'], env);
    assert.match(list.out, /CD-60 {2}\[machine openai-compatible:albert-large, brouillon\] {2}Visite des véhicules/);
    assert.match(list.out, /2 entrée\(s\)\./);

    model.reset();
    const again = await cli(['enrich', '--kb', 'legal'], env);
    assert.match(again.out, /0 entrée\(s\) écrite\(s\)/);
    assert.equal(model.requests.length, 0, 'entries are cached by text hash: nothing to redo');

    writeJsonl(corpus, [{ ...ARTICLES.visite, text: `${ARTICLES.visite!.text} Elle peut être faite de nuit.` }, ARTICLES.contrebande, INTERNE]);
    await cli(['ingest', '--kb', 'legal', '--classification', 'public', corpus], env);
    model.onChat(() => ({ content: JSON.stringify({ subject: 'Visite de nuit', questions: ['on peut contrôler la nuit ?'], terms: ['nuit'] }) }));
    const changed = await cli(['enrich', '--kb', 'legal'], env);
    assert.match(changed.out, /1 entrée\(s\) écrite\(s\)/);
    assert.equal((await search('contrôle la nuit'))[0], 'CD-60');
  });

  it('lets curators import edited entries, approve or reject drafts; "approved" mode indexes drafts only once approved', async () => {
    await cli(['ingest', '--kb', 'legal', '--classification', 'public', corpus], env);
    await cli(['enrich', '--kb', 'legal'], env);
    const exported = join(temp.path, 'drafts.jsonl');
    assert.match((await cli(['enrich', '--kb', 'legal', '--export', exported, '--status', 'brouillon'], env)).out, /2 entrée\(s\) exportée\(s\)/);
    const lines = readFileSync(exported, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; terms: string[] });
    const edited = lines.map((line) => (line.id === 'CD-414' ? { ...line, terms: ['clopes', 'trafic de cigarettes'] } : line)).filter((line) => line.id === 'CD-414');
    writeFileSync(exported, `${edited.map((line) => JSON.stringify(line)).join('\n')}\n{"id":"CD-999","subject":"x","questions":["y ?"],"terms":[]}\n`);
    const imported = await cli(['enrich', '--kb', 'legal', '--import', exported], env);
    assert.match(imported.out, /1 entrée\(s\) de curateur importée\(s\) ; 1 document\(s\) réindexé\(s\) ; 1 ligne\(s\) ignorée\(s\)/);
    assert.match(imported.err, /document « CD-999 » absent de la base legal/);
    assert.deepEqual(await search('clopes'), ['CD-414']);

    const approvedOnly = { PASSERELLE_ENRICHMENT: 'approved' };
    await cli(['ingest', '--kb', 'legal', '--classification', 'public', corpus], { ...env, ...approvedOnly });
    assert.deepEqual(await search('camping-car', approvedOnly), [], 'a machine draft is not indexed in "approved" mode');
    assert.match((await cli(['enrich', '--kb', 'legal', '--approve', 'CD-60'], { ...env, ...approvedOnly })).out, /1 entrée\(s\) approuvée\(s\) ; 1 document\(s\) réindexé\(s\)/);
    assert.deepEqual(await search('camping-car', approvedOnly), ['CD-60']);
    assert.match((await cli(['enrich', '--kb', 'legal', '--reject', 'CD-60'], env)).out, /1 entrée\(s\) supprimée\(s\)/);
    assert.deepEqual(await search('camping-car'), []);
    assert.deepEqual(await search('clopes'), ['CD-414'], 'the curator’s entry stays');
  });

  it('counts a model answer that is not a valid entry as a failure and writes nothing for it; refuses bad usage in French', async () => {
    await cli(['ingest', '--kb', 'legal', '--classification', 'public', corpus], env);
    model.onChat(() => ({ content: 'Désolé, je ne peux pas.' }));
    const run = await cli(['enrich', '--kb', 'legal'], env);
    // Every call failed: the run fails and says why, in French, not « 0 entries written ».
    assert.equal(run.code, 1);
    assert.match(run.err, /L’enrichissement a échoué\. Aucune entrée écrite : le modèle a échoué pour les 2 document\(s\) tentés \(MODEL_BAD_RESPONSE\)/);
    assert.doesNotMatch(run.err, /ENRICHMENT_FAILED:/);
    assert.equal((await cli(['enrich', '--kb', 'legal', '--list', '--json'], env)).out.trim(), '[]');
    assert.equal((await cli(['enrich'], env)).code, 2);
    assert.equal((await cli(['enrich', '--kb', 'legal', '--list', '--import', 'x'], env)).code, 2);
    const noModel = await cli(['enrich', '--kb', 'legal'], { PASSERELLE_DATA_DIR: env.PASSERELLE_DATA_DIR as string });
    assert.equal(noModel.code, 1);
    assert.match(noModel.err, /modèle de langage/);
  });
});

describe('CLI: passerelle enrich through the workers (real Redis, bull)', function () {
  this.timeout(60_000);
  it('queues the run for `passerelle worker`, follows its progress and reports what the worker wrote', async () => {
    const { loadConfig } = await import('../../../config/load-config.ts');
    const { openKnowledge } = await import('../../../app/knowledge.ts');
    const { createChatModel } = await import('../../../knowledge/models/langchain-chat-model.ts');
    const { createQueues } = await import('../../../app/create-queues.ts');
    const { startEnrichmentConsumer } = await import('../../../app/work-consumer.ts');
    const { silentLogger } = await import('../../../bots/logger.ts');
    const temp = makeTempDir('cli-enrich-redis');
    const model = await startFakeModelServer();
    model.onChat(() => ({ content: JSON.stringify({ subject: 'Visite', questions: ['on peut fouiller un camping-car ?'], terms: ['camping-car'] }) }));
    const env = {
      PASSERELLE_DATA_DIR: join(temp.path, 'data'), CHAT_MODEL_PROVIDER: 'openai-compatible', CHAT_MODEL_URL: `${model.url}/v1`, CHAT_MODEL_NAME: 'albert-large',
      REDIS_URL: 'redis://127.0.0.1:6379', PASSERELLE_QUEUE_PREFIX: `penrich${Date.now().toString(36)}`,
    };
    const corpus = writeJsonl(join(temp.path, 'code.jsonl'), [ARTICLES.visite]);
    await cli(['ingest', '--kb', 'legal', '--classification', 'public', corpus], env);
    // The worker process: its own knowledge and queues, as `passerelle worker` builds them.
    const config = loadConfig({ env: { ...env, PASSERELLE_LOG_LEVEL: 'silent' } });
    const knowledge = await openKnowledge(config);
    const queues = createQueues(config);
    startEnrichmentConsumer(config, knowledge, createChatModel(config.chatModel), queues, silentLogger);
    try {
      const run = await cli(['enrich', '--kb', 'legal'], env);
      assert.equal(run.code, 0, run.err);
      assert.match(run.out, /confié aux workers/);
      assert.match(run.out, /1 entrée\(s\) écrite\(s\) par le modèle/);
      const found = await cli(['search', '--kb', 'legal', '--json', 'camping-car'], env);
      assert.deepEqual((JSON.parse(found.out) as Array<{ documentId: string }>).map((hit) => hit.documentId), ['CD-60']);
    } finally {
      await queues.close();
      await knowledge.close();
      await model.close();
      temp.remove();
    }
  });
});
