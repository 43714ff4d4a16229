import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../integration/bot/harness.ts';
import { writeCorpus } from '../integration/bot/corpus.ts';
import { passerelle, ROOT } from './passerelle-process.ts';

/**
 * e2e: `passerelle chat` in a real pseudo-terminal (util-linux `script`), as an agent types it: ↑ recalls the
 * previous message instead of sending « ^[[A », and a 5,000-character line is read whole (a canonical-mode
 * terminal would cut it at 4,095 bytes) and refused in French instead of being answered truncated; « tâches »
 * typed while a long summary is being computed (in a child process) is answered at once, the job still running;
 * leaving while the quiz items are written in advance logs no error.
 */
const NODE = join(ROOT, 'node_modules/.bin/node');
// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

/** `passerelle chat` in a pseudo-terminal, with the output read as the agent sees it. */
function terminalChat(env: Record<string, string>) {
  const command = `${NODE} ${join(ROOT, 'bin/passerelle.js')} chat`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    exited,
    output: () => plain(out),
    type: (text: string) => child.stdin.write(text),
    waitFor: async (predicate: () => boolean, what: string) => {
      for (let i = 0; i < 1_200 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(predicate(), `${what}; output so far:\n${plain(out).slice(-2_000)}`);
    },
    count: (text: string) => plain(out).split(text).length - 1,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

describe('e2e: the terminal chat in a pseudo-terminal', function () {
  this.timeout(120_000);
  let temp: ReturnType<typeof tempDir>;
  let env: Record<string, string>;

  before(async function () {
    temp = tempDir('e2e-pty');
    const files = writeCorpus(join(temp.path, 'corpus'));
    env = { PASSERELLE_DATA_DIR: join(temp.path, 'data'), PASSERELLE_LOG_LEVEL: 'silent' };
    const run = await passerelle(['ingest', '--kb', 'legal', '--classification', 'public', files.legal], env);
    assert.equal(run.code, 0, run.err);
  });
  after(() => temp.remove());

  it('↑ recalls the last question; a 5,000-character line is refused whole; « quitter » leaves', async () => {
    const chat = terminalChat(env);
    const { waitFor, count, type } = chat;
    try {
      await waitFor(() => chat.output().includes('vous › '), 'the prompt');
      type('Que dit l’article 414 ?\r');
      await waitFor(() => count('Sources :') === 1, 'the first answer');
      type('\u001b[A\r');
      await waitFor(() => count('Sources :') === 2, 'the same question again, recalled with ↑');
      assert.ok(!chat.output().includes('caractères illisibles'), 'the arrow is line editing, not text');
      // Typed in small pieces, as a paste arrives.
      const long = 'a'.repeat(5_000);
      for (let offset = 0; offset < long.length; offset += 500) type(long.slice(offset, offset + 500));
      type('\r');
      await waitFor(() => chat.output().includes('Votre message est trop long'), 'the refusal of the long line');
      assert.ok(chat.output().includes('Votre message est trop long (5000 caractères, maximum 4000)'), 'the whole line was read');
      type('quitter\r');
      assert.equal(await chat.exited, 0);
      assert.ok(chat.output().includes('Au revoir.'));
    } finally {
      chat.kill();
    }
  });

  describe('with a 3,000-article code (long summaries, long quiz warm-up)', () => {
    let big: ReturnType<typeof tempDir>;
    let bigEnv: Record<string, string>;
    before(async () => {
      big = tempDir('e2e-pty-summary');
      bigEnv = { PASSERELLE_DATA_DIR: join(big.path, 'data'), PASSERELLE_LOG_LEVEL: 'silent' };
      // 3,000 articles of a made-up code whose extractive summary keeps a child process busy for seconds.
      const words = ['contrôle', 'marchandises', 'déclarant', 'agents', 'bureau', 'douane', 'transit', 'entrepôt', 'saisie', 'voyageur'];
      const records = Array.from({ length: 3_000 }, (_, index) => {
        const n = index + 1;
        const text = Array.from({ length: 4 }, (_, p) => Array.from({ length: 5 }, (_, i) => `Le ${words[(n + i) % 10]} et la ${words[(n * 3 + i + p) % 10]} du poste ${n}-${p}-${i} sont vérifiés par les ${words[(i * 7 + p) % 10]} avant le départ.`).join(' ')).join('\n\n');
        return JSON.stringify({ id: `CD-${n}`, code: 'Code des douanes', num: String(n), title_path: ['Titre II : Organisation', 'Chapitre IV : Pouvoirs'], text, valid_from: null, valid_to: null });
      });
      mkdirSync(join(big.path, 'corpus'));
      const file = join(big.path, 'corpus', 'code_douanes.jsonl');
      writeFileSync(file, `${records.join('\n')}\n`);
      const run = await passerelle(['ingest', '--kb', 'legal', '--classification', 'public', file], bigEnv);
      assert.equal(run.code, 0, run.err);
    });
    after(() => big.remove());

    it('« quitter » while the quiz items are still being written in advance: exit 0, no store error logged', async () => {
      const run = await passerelle(['chat'], { ...bigEnv, PASSERELLE_LOG_LEVEL: 'warn' }, 'quitter\n');
      assert.equal(run.code, 0, run.err);
      assert.ok(run.out.includes('Au revoir.'));
      assert.doesNotMatch(run.err, /quiz items could not be written|statement has been finalized/, run.err);
    });

    it('« tâches » typed while the summary is computed is answered at once, the job listed as running, before the result', async () => {
      const chat = terminalChat(bigEnv);
      const { waitFor, type } = chat;
      try {
        await waitFor(() => chat.output().includes('vous › '), 'the prompt');
        type('résume les articles 1 à 3000\r');
        await waitFor(() => /Tâche res-code-[0-9a-f]+ enregistrée/.test(chat.output()), 'the acknowledgement');
        const id = /Tâche (res-code-[0-9a-f]+) enregistrée/.exec(chat.output())?.[1] ?? '';
        type('tâches\r');
        await waitFor(() => chat.output().includes('Vos tâches en cours') || chat.output().includes('aucune tâche'), 'the answer to « tâches »');
        const listed = chat.output();
        assert.match(listed, new RegExp(`${id} — résumé des articles 1 à 3000 — en (?:cours|attente)`), 'the job is listed, still running');
        assert.ok(!listed.includes('Résumé court —'), 'answered before the summary was done');
        await waitFor(() => chat.output().includes('Résumé court — Code des douanes, articles 1 à 3000'), 'the summary afterwards');
        type('quitter\r');
        assert.equal(await chat.exited, 0);
      } finally {
        chat.kill();
      }
    });
  });
});
