import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AI_NOTICE } from '../../bots/user-messages.ts';
import { tempDir } from '../integration/bot/harness.ts';
import { LEGIFRANCE, writeCorpus } from '../integration/bot/corpus.ts';
import { passerelle, ROOT } from './passerelle-process.ts';

const count = (text: string, part: string) => text.split(part).length - 1;

describe('e2e: the passerelle command (spawned, real data folder)', function () {
  this.timeout(120_000);
  let temp: ReturnType<typeof tempDir>;
  let env: Record<string, string>;

  before(async () => {
    temp = tempDir('e2e');
    const files = writeCorpus(join(temp.path, 'corpus'));
    env = { PASSERELLE_DATA_DIR: join(temp.path, 'data'), PASSERELLE_LOG_LEVEL: 'warn' };
    for (const [kb, path] of [['legal', files.legal], ['hr', files.hr]] as const) {
      const run = await passerelle(['ingest', '--kb', kb, '--classification', 'public', path], env);
      assert.equal(run.code, 0, run.err);
    }
  });
  after(() => temp.remove());

  it('chat: two questions then « quitter » → one AI notice, cited answers, exit code 0', async () => {
    const run = await passerelle(['chat'], env, 'Quels sont les pouvoirs de visite des agents des douanes ?\nCombien de jours de congés annuels pour un fonctionnaire ?\nquitter\n');
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /^Passerelle — mode extractif/);
    assert.equal(count(run.out, AI_NOTICE.replace(/\*\*/g, '')), 1);
    assert.equal(count(run.out, 'Sources :'), 2, run.out);
    assert.ok(run.out.includes('\nCode des douanes, art. 60 [1]\n│ '), 'Markdown rendered for the terminal: no raw ** or >');
    assert.doesNotMatch(run.out, /\*\*|^> |^#/m);
    assert.ok(!run.out.includes('Contenu généré par IA'), 'verbatim quotes are not labelled AI-generated');
    assert.ok(run.out.includes(`  [1] Code des douanes, art. 60 — Titre II : Organisation du service des douanes › Chapitre IV : Pouvoirs des agents des douanes\n      ${LEGIFRANCE}CD-60`), run.out);
    assert.ok(run.out.includes('Tout fonctionnaire en activité a droit'));
    // Inside the first answer, after its text: the agent reads the answer first.
    assert.ok(run.out.indexOf('\nCode des douanes, art. 60 [1]') < run.out.indexOf(AI_NOTICE.replace(/\*\*/g, '')));
    assert.ok(run.out.indexOf(AI_NOTICE.replace(/\*\*/g, '')) < run.out.indexOf('Tout fonctionnaire en activité a droit'));
    assert.ok(run.out.trimEnd().endsWith('Au revoir.'));
    assert.ok(!/"level":"error"/.test(run.err), run.err);
  });

  it('ask and chat start in lexical mode when the embeddings service is down: a logged warning, an answer, exit code 0', async () => {
    // Port 9 (discard) on the loopback: nothing listens, the connection is refused at once.
    const down = { ...env, EMBEDDINGS_PROVIDER: 'openai-compatible', EMBEDDINGS_URL: 'http://127.0.0.1:9/v1', EMBEDDINGS_MODEL: 'bge-m3' };
    const ask = await passerelle(['ask', 'Que dit l’article 414 ?'], down);
    assert.equal(ask.code, 0, ask.err);
    assert.ok(ask.out.includes('Code des douanes, art. 414'), ask.out);
    assert.match(ask.err, /"level":"warn".*embeddings service unavailable at start.*lexical search only/);
    const chat = await passerelle(['chat'], down, 'Quels sont les pouvoirs de visite des agents des douanes ?\nquitter\n');
    assert.equal(chat.code, 0, chat.err);
    assert.ok(chat.out.includes('\nCode des douanes, art. 60 [1]\n'), chat.out);
    assert.match(chat.err, /embeddings service unavailable at start/);
  });

  it('serve starts in lexical mode when the embeddings service is down: a logged warning, « en service »; a SIGTERM right after start ends it cleanly (exit 0)', async () => {
    const child = spawn(join(ROOT, 'node_modules/.bin/node'), ['bin/passerelle.js', 'serve'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, TEAMS_ENABLED: 'true', TEAMS_PORT: '0',
        EMBEDDINGS_PROVIDER: 'openai-compatible', EMBEDDINGS_URL: 'http://127.0.0.1:9/v1', EMBEDDINGS_MODEL: 'bge-m3',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()).includes('en service') && resolve());
      void exited.then((code) => reject(new Error(`passerelle serve exited (${code}): ${out}\n${err}`)));
    });
    assert.match(err, /embeddings service unavailable at start.*lexical search only/);
    // A SIGTERM right after start: the shutdown runs to its end (a signal-watching dependency used to re-raise the
    // signal once serve's own handler was removed, killing the process mid-shutdown: exit code null).
    child.kill('SIGTERM');
    assert.equal(await exited, 0, `${out}\n${err}`);
    assert.ok(out.includes('Arrêt en cours…'), out);
  });

  it('chat: ends cleanly on end of input without « quitter »', async () => {
    const run = await passerelle(['chat'], env, 'aide\n');
    assert.equal(run.code, 0, run.err);
    assert.ok(run.out.includes('Passerelle — aide'));
    assert.ok(run.out.includes('• quitter — fermer la discussion'), 'the terminal help says how to leave');
  });

  it('ask --json: exactly route{kb,confidence}, answer, citations[{id,kb,title,url,version}], abstained, mode', async () => {
    const run = await passerelle(['ask', '--json', 'Que dit l’article 414 ?'], env);
    assert.equal(run.code, 0, run.err);
    const output = JSON.parse(run.out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(output).sort(), ['abstained', 'answer', 'citations', 'mode', 'route']);
    assert.deepEqual(Object.keys(output.route as object).sort(), ['confidence', 'kb']);
    assert.equal((output.route as { kb: string }).kb, 'legal');
    assert.equal(typeof (output.route as { confidence: unknown }).confidence, 'number');
    assert.equal(typeof output.answer, 'string');
    assert.match(output.answer as string, /Sont passibles d’un emprisonnement de trois ans/);
    assert.equal(output.abstained, false);
    assert.equal(output.mode, 'extractive');
    const citations = output.citations as Array<Record<string, unknown>>;
    assert.ok(citations.length >= 1);
    for (const citation of citations) assert.deepEqual(Object.keys(citation).sort(), ['id', 'kb', 'title', 'url', 'version']);
    // The version cited: this record gives no LEGI id nor dates, so it is its own version with unknown dates.
    assert.deepEqual(citations[0], { id: 'CD-414#0', kb: 'legal', title: 'Code des douanes, art. 414', url: `${LEGIFRANCE}CD-414`, version: { version_id: 'CD-414', valid_from: null, valid_to: null } });
  });

  it('ask --json on a question it cannot answer: same keys, abstained, mode abstention', async () => {
    const run = await passerelle(['ask', '--json', 'Quelle est la recette de la tarte aux pommes des agents des douanes ?'], env);
    assert.equal(run.code, 0, run.err);
    const output = JSON.parse(run.out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(output).sort(), ['abstained', 'answer', 'citations', 'mode', 'route']);
    assert.deepEqual(Object.keys(output.route as object).sort(), ['confidence', 'kb']);
    assert.equal(output.abstained, true);
    assert.equal(output.mode, 'abstention');
    for (const citation of output.citations as Array<Record<string, unknown>>) assert.deepEqual(Object.keys(citation).sort(), ['id', 'kb', 'title', 'url', 'version']);
  });

  it('ask --json keeps exactly those route keys when a second base is searched too', async () => {
    const config = join(temp.path, 'wide-routing.yaml');
    writeFileSync(config, 'bot:\n  routingMargin: 1\n');
    const run = await passerelle(['ask', '--json', 'Quels sont les pouvoirs de visite des agents des douanes ?'], { ...env, PASSERELLE_CONFIG: config });
    assert.equal(run.code, 0, run.err);
    const output = JSON.parse(run.out) as { route: object; answer: string };
    assert.match(output.answer, /deux bases/, 'the second base was searched');
    assert.deepEqual(Object.keys(output.route).sort(), ['confidence', 'kb']);
  });

  it('ask --json on a drafting request: same keys, mode refusal', async () => {
    const run = await passerelle(['ask', '--json', 'Rédige-moi un procès-verbal de saisie'], env);
    assert.equal(run.code, 0, run.err);
    const output = JSON.parse(run.out) as { route: object; mode: string; abstained: boolean; citations: Array<{ id: string }> };
    assert.deepEqual(Object.keys(output).sort(), ['abstained', 'answer', 'citations', 'mode', 'route']);
    assert.deepEqual(Object.keys(output.route).sort(), ['confidence', 'kb']);
    assert.equal(output.mode, 'refusal');
    assert.equal(output.citations[0]?.id, 'CD-324#0');
  });

  it('ask without a data folder fails with a French message saying how to fill the bases, exit 1', async () => {
    const run = await passerelle(['ask', 'Que dit l’article 414 ?'], { PASSERELLE_DATA_DIR: join(temp.path, 'absent') });
    assert.equal(run.code, 1);
    assert.match(run.err, /Le dossier de données .* n’existe pas encore : .*« npm start ».*« npx passerelle ingest --all »/);
  });
});
