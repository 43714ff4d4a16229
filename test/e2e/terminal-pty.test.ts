import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../integration/bot/harness.ts';
import { writeCorpus } from '../integration/bot/corpus.ts';
import { passerelle, ROOT } from './passerelle-process.ts';

/**
 * e2e: `passerelle chat` in a real pseudo-terminal (util-linux `script`), as an agent types it: ↑ recalls the
 * previous message instead of sending « ^[[A », and a 5,000-character line is read whole (a canonical-mode
 * terminal would cut it at 4,095 bytes) and refused in French instead of being answered truncated.
 */
const NODE = join(ROOT, 'node_modules/.bin/node');
// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

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
    const command = `${NODE} ${join(ROOT, 'bin/passerelle.js')} chat`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const waitFor = async (predicate: () => boolean, what: string) => {
      for (let i = 0; i < 600 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(predicate(), `${what}; output so far:\n${plain(out).slice(-2_000)}`);
    };
    const count = (text: string) => plain(out).split(text).length - 1;
    try {
      await waitFor(() => plain(out).includes('vous › '), 'the prompt');
      child.stdin.write('Que dit l’article 414 ?\r');
      await waitFor(() => count('Sources :') === 1, 'the first answer');
      child.stdin.write('\u001b[A\r');
      await waitFor(() => count('Sources :') === 2, 'the same question again, recalled with ↑');
      assert.ok(!plain(out).includes('caractères illisibles'), 'the arrow is line editing, not text');
      // Typed in small pieces, as a paste arrives.
      const long = 'a'.repeat(5_000);
      for (let offset = 0; offset < long.length; offset += 500) child.stdin.write(long.slice(offset, offset + 500));
      child.stdin.write('\r');
      await waitFor(() => plain(out).includes('Votre message est trop long'), 'the refusal of the long line');
      assert.ok(plain(out).includes('Votre message est trop long (5000 caractères, maximum 4000)'), 'the whole line was read');
      child.stdin.write('quitter\r');
      assert.equal(await exited, 0);
      assert.ok(plain(out).includes('Au revoir.'));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
