import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { makeTempDir, REPO_ROOT } from '../integration/helpers/knowledge-fixtures.ts';
import { writeCodeCorpus } from '../integration/workers/code-corpus.ts';
import { waitFor } from '../integration/workers/redis-helpers.ts';

/**
 * e2e: `passerelle chat` as a child process, no Redis configured (in-process queue): « résume les articles
 * 60 à 60-3 » is acknowledged at once, then the summary is printed, then the chat goes on.
 */

const NODE = join(REPO_ROOT, 'node_modules/.bin/node');

function environment(dataDir: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', PASSERELLE_DATA_DIR: dataDir, PASSERELLE_LOG_LEVEL: 'silent' };
}

describe('e2e: a summary job through `passerelle chat` (in-process queue)', function () {
  this.timeout(120_000);
  let temp: ReturnType<typeof makeTempDir>;
  let dataDir: string;

  before(async () => {
    temp = makeTempDir('e2e-worker');
    dataDir = join(temp.path, 'data');
    const corpus = writeCodeCorpus(join(temp.path, 'corpus'));
    const code = await new Promise<number>((resolve) =>
      execFile(NODE, ['bin/passerelle.js', 'ingest', '--kb', 'legal', corpus], { cwd: REPO_ROOT, env: environment(dataDir), timeout: 60_000 }, (error) => resolve(error ? 1 : 0)),
    );
    assert.equal(code, 0, 'ingestion of the tiny code');
  });
  after(() => temp.remove());

  it('acknowledges « résume les articles 60 à 60-3 », then prints the summary, and keeps chatting', async () => {
    const chat = spawn(NODE, ['bin/passerelle.js', 'chat'], { cwd: REPO_ROOT, env: environment(dataDir), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    chat.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    chat.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => chat.once('exit', resolve));
    try {
      await waitFor(() => out.includes('vous › '), 'the prompt', 60_000, 50);
      chat.stdin.write('résume les articles 60 à 60-3\n');
      await waitFor(() => out.includes('Résumé court —'), `the summary (output so far: ${out})`, 90_000, 50);
      const ack = out.indexOf('… 🕑 Demande reçue : résumé court des articles 60 à 60-3 du Code des douanes. Mise en file…');
      const result = out.indexOf('Résumé court — Code des douanes, articles 60 à 60-3');
      assert.ok(ack >= 0, out);
      assert.ok(result > ack, 'the acknowledgement comes first, then the result');
      const summary = out.slice(result);
      for (const article of ['60', '60-1', '60-2', '60-3']) assert.ok(summary.includes(`\nArticle ${article}\n`) || summary.includes(`\nArticle ${article} (`), `article ${article} (Markdown rendered for the terminal): ${summary}`);
      assert.ok(!summary.includes('Article 65') && !summary.includes('Article 60 bis'), 'nothing past 60-3');
      assert.match(summary, /Résumé extractif : phrases reprises telles quelles des articles/);
      assert.ok(!(summary.split('vous › ')[0] ?? '').includes('Contenu généré par IA'), 'an extractive summary is not labelled AI-generated');
      assert.equal(out.split('Résumé court —').length - 1, 1, 'one result');

      chat.stdin.write('aide\n');
      await waitFor(() => out.includes('Passerelle — aide'), 'the help after the job', 20_000, 50);
      // « quitter » ends the chat; the end of input too (with stdin left open, the process would not exit —
      // a LocalAdapter matter, not the queue's).
      chat.stdin.end('quitter\n');
      assert.equal(await exited, 0, err);
      assert.match(out, /Au revoir\./);
      assert.doesNotMatch(err, /Error|unhandled/i, err);
    } finally {
      if (chat.exitCode === null) chat.kill('SIGKILL');
    }
  });
});
