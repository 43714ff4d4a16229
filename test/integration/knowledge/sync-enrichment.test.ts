import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyncReport } from '../../../knowledge/sync/sync-report.ts';
import { SqliteEnrichmentStore } from '../../../state/enrichment-store-sqlite.ts';
import { legiArchive, SAMPLE_ARTICLES } from '../../fakes/legi-archives.ts';
import { startFakeModelServer, type ChatRequestBody, type FakeModelServer } from '../../fakes/model-server.ts';
import { makeTempDir } from '../helpers/knowledge-fixtures.ts';
import { cli } from '../helpers/run-cli.ts';

/**
 * Agents' wording of synced articles whose text changed: carried over flagged stale (no model), listed in the
 * report, rewritten by `passerelle enrich`; with a chat model (fake OpenAI-compatible server), rewritten by the
 * sync itself for the changed articles only.
 */
const { V414_2017, V414_2024, V2, V265 } = SAMPLE_ARTICLES;
const V2_CHANGED = { ...V2, text: `${V2.text} Les zones franches sont réservées.` };

describe('sync: the agents’ wording of changed articles is flagged stale and rewritten', function () {
  this.timeout(90_000);
  let temp: ReturnType<typeof makeTempDir>;
  let model: FakeModelServer;
  let env: Record<string, string>;
  let withModel: Record<string, string>;
  let archives: string;
  const articleOf = (body: ChatRequestBody) => /art\. (\S+)/.exec(String(body.messages?.find((message) => message.role === 'user')?.content ?? ''))?.[1] ?? '?';
  const chats = () => model.requests.filter((request) => request.path.endsWith('/chat/completions'));
  let generation = 0;
  /** Forgets the requests (and the handler, which `reset` drops too), then answers one entry per article. */
  const restart = () => {
    model.reset();
    model.onChat((request) => {
      const number = articleOf(request.body as ChatRequestBody);
      generation++;
      return { content: JSON.stringify({ subject: `Article ${number}, rédaction ${generation}`, questions: [`que dit l’article ${number} ?`], terms: [`vocable${number}x${generation}`, `${['amont', 'bocage', 'colline', 'dune', 'estuaire', 'falaise', 'garrigue', 'hameau', 'isthme', 'jachère'][generation % 10]} ${['quinconce', 'ravine', 'sablière', 'tourbière'][generation % 4]}`] }) };
    });
  };
  const sync = async (variables: Record<string, string>) => {
    const run = await cli(['sync', 'legi', '--kb', 'legal', '--dir', archives, '--json'], variables);
    assert.equal(run.code, 0, run.err);
    return JSON.parse(run.out) as SyncReport;
  };
  const entry = async (id: string) => {
    const store = new SqliteEnrichmentStore(join(temp.path, 'data', 'enrichment.sqlite'));
    try {
      return await store.get('legal', id);
    } finally {
      await store.close();
    }
  };
  const search = async (question: string) => {
    const run = await cli(['search', '--kb', 'legal', '--json', '--k', '3', question], env);
    return (JSON.parse(run.out) as Array<{ documentId: string }>).map((hit) => hit.documentId);
  };

  before(async () => {
    model = await startFakeModelServer();
    temp = makeTempDir('sync-enrichment');
    env = { PASSERELLE_DATA_DIR: join(temp.path, 'data') };
    withModel = { ...env, CHAT_MODEL_PROVIDER: 'openai-compatible', CHAT_MODEL_URL: `${model.url}/v1`, CHAT_MODEL_NAME: 'albert-large' };
    archives = join(temp.path, 'archives');
    mkdirSync(archives);
    restart();
    writeFileSync(join(archives, 'Freemium_legi_global_20240101-120000.tar.gz'), legiArchive('20240101-120000', [V414_2017, V2, V265]));
    assert.equal((await sync(env)).complete, true);
    const enrich = await cli(['enrich', '--kb', 'legal'], withModel);
    assert.equal(enrich.code, 0, enrich.err);
    assert.equal(chats().length, 3);
  });
  after(async () => {
    await model?.close();
    temp?.remove();
  });

  it('without a model: keeps the old wording flagged stale on the new text, indexed, and lists the articles in the report', async () => {
    const before414 = await entry(V414_2017.id);
    const before2 = await entry(V2.id);
    assert.ok(before414 && before2 && !before414.stale);
    writeFileSync(join(archives, 'LEGI_20240102-203000.tar.gz'), legiArchive('20240102-203000', [
      { ...V414_2017, etat: 'MODIFIE', dateFin: '2024-01-02' },
      V414_2024,
      V2_CHANGED,
      V265,
    ]));
    restart();
    const report = await sync(env);
    assert.deepEqual(report.staleEnrichment?.sort(), ['2 (LEGIARTI000006615335)', '414 (LEGIARTI000048123456)']);
    assert.equal(report.reenriched, undefined);
    assert.equal(chats().length, 0);
    const new414 = await entry(V414_2024.id);
    assert.equal(new414?.stale, true);
    assert.equal(new414?.subject, before414.subject, 'the 2017 version’s wording, carried over to the 2024 version');
    assert.notEqual(new414?.text_sha256, before414.text_sha256);
    assert.equal((await entry(V2.id))?.stale, true);
    assert.deepEqual(await entry(V265.id), await entry(V265.id));
    assert.equal((await entry(V265.id))?.stale, undefined, 'an unchanged article keeps its entry as it was');
    assert.ok((await search(before414.terms[1] as string)).includes(V414_2024.id), 'the carried-over wording is indexed with the new text');
    const text = await cli(['sync', 'legi', '--kb', 'legal', '--dir', archives], env);
    assert.doesNotMatch(text.out, /périmées/, 'nothing new this time');
  });

  it('`passerelle enrich` rewrites the stale entries only', async () => {
    restart();
    const run = await cli(['enrich', '--kb', 'legal'], withModel);
    assert.equal(run.code, 0, run.err);
    assert.deepEqual(chats().map((request) => articleOf(request.body as ChatRequestBody)).sort(), ['2', '414']);
    assert.equal((await entry(V414_2024.id))?.stale, undefined);
  });

  it('with a chat model: the sync rewrites the wording of the changed articles, and of those only', async () => {
    writeFileSync(join(archives, 'LEGI_20240103-203000.tar.gz'), legiArchive('20240103-203000', [
      { ...V265, text: `${V265.text} Le tarif est fixé par la loi de finances.` },
      V2_CHANGED,
    ]));
    restart();
    const report = await sync(withModel);
    assert.deepEqual(report.reenriched, ['265 (LEGIARTI000038069769)']);
    assert.deepEqual(report.staleEnrichment ?? [], []);
    assert.deepEqual(chats().map((request) => articleOf(request.body as ChatRequestBody)), ['265'], 'one model call, for the changed article');
    assert.match(JSON.stringify(chats()[0]?.body), /loi de finances/, 'written from the new text');
    const rewritten = await entry(V265.id);
    assert.equal(rewritten?.stale, undefined);
    assert.equal(rewritten?.origin, 'model');
    assert.equal(rewritten?.status, 'draft');
    assert.equal((await search(rewritten?.terms[1] as string))[0], V265.id, 'the rewritten wording is indexed');
  });
});
