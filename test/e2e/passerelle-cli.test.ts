import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ARTICLES, FIXTURES, makeTempDir, REPO_ROOT, writeJsonl } from '../integration/helpers/knowledge-fixtures.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs bin/passerelle.js as a child process with the pinned Node, in the repository, with a minimal environment. */
function passerelle(args: string[], dataDir: string): Promise<Run> {
  const node = join(REPO_ROOT, 'node_modules/.bin/node');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', PASSERELLE_DATA_DIR: dataDir, PASSERELLE_LOG_LEVEL: 'silent' };
  return new Promise((resolve) => {
    execFile(node, ['bin/passerelle.js', ...args], { cwd: REPO_ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('e2e: the passerelle command as a child process', function () {
  this.timeout(120_000);
  let temp: ReturnType<typeof makeTempDir>;
  let dataDir: string;

  before(() => {
    temp = makeTempDir('e2e');
    dataDir = join(temp.path, 'data');
  });
  after(() => temp.remove());

  it('ingests files, then finds them with search --json, across processes', async () => {
    const corpus = writeJsonl(join(temp.path, 'code_douanes.jsonl'), Object.values(ARTICLES));
    const ingest = await passerelle(['ingest', '--kb', 'legal', corpus, join(FIXTURES, 'corrupt.pdf')], dataDir);
    assert.equal(ingest.code, 0, ingest.stderr);
    assert.match(ingest.stdout, /2 fichier\(s\) lu\(s\) ; documents ajoutés 5,/);
    assert.match(ingest.stdout, /corrupt\.pdf ignoré — .*endommagé/);
    assert.doesNotMatch(ingest.stderr, /ExperimentalWarning/);

    const search = await passerelle(['search', '--kb', 'legal', '--json', 'art. 60 bis du code des douanes'], dataDir);
    assert.equal(search.code, 0, search.stderr);
    const items = JSON.parse(search.stdout) as Array<{ id: string; namedInQuestion: boolean; title: string }>;
    assert.deepEqual([items[0]?.id, items[0]?.namedInQuestion, items[0]?.title], ['CD-60_bis#0', true, 'Code des douanes, art. 60 bis']);
  });

  it('exits 2 with usage on an unknown command, and 1 with a French message on an empty question', async () => {
    const unknown = await passerelle(['indexer'], dataDir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Commande inconnue « indexer »[\s\S]*Usage :/);
    const empty = await passerelle(['search', '--kb', 'legal', '  '], dataDir);
    assert.equal(empty.code, 1);
    assert.equal(empty.stderr, 'La question est vide : écrivez quelques mots pour lancer la recherche.\n');
  });
});
