import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseRuntime } from '../../bin/launcher.js';
import { compiledPasserelle, ROOT } from './passerelle-process.ts';

/**
 * The compiled JavaScript (`npm run build`, also run by `npm ci`) is what `passerelle` runs in production:
 * it must work on plain Node, without tsx, data files included (catalogue, lexicon, confidence model…). The
 * launcher runs it only when it is newer than every source file.
 */
describe('e2e: the compiled passerelle command (dist/)', function () {
  this.timeout(600_000);
  let dir: string;

  before(function () {
    // Built by `npm ci` (prepare); rebuilt here when a source changed since (development).
    if (chooseRuntime(ROOT, {}) !== 'compiled') {
      const build = spawnSync(process.execPath, [join(ROOT, 'bin/build.js')], { cwd: ROOT, encoding: 'utf8', timeout: 540_000 });
      assert.equal(build.status, 0, `${build.stdout}\n${build.stderr}`);
    }
    assert.equal(chooseRuntime(ROOT, {}), 'compiled');
    dir = mkdtempSync(join(tmpdir(), 'passerelle-compiled-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('ingests, answers with citations and prints its configuration with plain Node', async () => {
    const corpus = join(dir, 'code.jsonl');
    writeFileSync(corpus, `${JSON.stringify({ id: 'CD-60', code: 'Code des douanes', num: '60', title_path: ['Titre II'], text: 'Pour l’application des dispositions du présent code et en vue de la recherche de la fraude, les agents des douanes peuvent procéder à la visite des marchandises et des moyens de transport et à celle des personnes.', valid_from: null, valid_to: null, source_url: 'https://www.legifrance.gouv.fr/codes/article_lc/CD-60' })}\n`);
    const env = { PASSERELLE_DATA_DIR: join(dir, 'data'), PASSERELLE_LOG_LEVEL: 'warn' };
    const ingest = await compiledPasserelle(['ingest', '--kb', 'legal', '--classification', 'public', corpus], env, undefined, 240_000);
    assert.equal(ingest.code, 0, ingest.err);
    const ask = await compiledPasserelle(['ask', '--json', 'Les agents des douanes peuvent-ils procéder à la visite des marchandises ?'], env, undefined, 240_000);
    assert.equal(ask.code, 0, ask.err);
    const answer = JSON.parse(ask.out) as { abstained: boolean; citations: Array<{ title?: string }> };
    assert.equal(answer.abstained, false, ask.out);
    assert.match(JSON.stringify(answer.citations), /art\. 60/);
    const config = await compiledPasserelle(['config'], env, undefined, 120_000);
    assert.equal(config.code, 0, config.err);
    assert.ok(config.out.includes(join(ROOT, 'examples')) || config.out.includes('knowledgeBases'), 'the catalogue of the project root, not of dist/');
    assert.ok(!config.out.includes(join(ROOT, 'dist', 'examples')));
  });

  it('the launcher runs dist/ only while it is newer than every source file', () => {
    const root = mkdtempSync(join(tmpdir(), 'passerelle-launcher-'));
    try {
      mkdirSync(join(root, 'cli'), { recursive: true });
      writeFileSync(join(root, 'cli', 'main.ts'), '');
      assert.equal(chooseRuntime(root, {}), 'tsx', 'no dist/');
      mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
      writeFileSync(join(root, 'dist', 'cli', 'main.js'), '');
      assert.equal(chooseRuntime(root, {}), 'tsx', 'no build stamp (a build in progress or failed)');
      writeFileSync(join(root, 'dist', '.build-stamp'), '');
      const now = Date.now() / 1000;
      utimesSync(join(root, 'cli', 'main.ts'), now - 60, now - 60);
      assert.equal(chooseRuntime(root, {}), 'compiled');
      assert.equal(chooseRuntime(root, { PASSERELLE_RUNTIME: 'tsx' }), 'tsx', 'forced');
      utimesSync(join(root, 'cli', 'main.ts'), now + 60, now + 60);
      assert.equal(chooseRuntime(root, {}), 'tsx', 'a source edited after the build');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
