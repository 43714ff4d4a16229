import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as say from '../../bots/user-messages.ts';
import { tempDir } from '../integration/bot/harness.ts';
import { writeCorpus } from '../integration/bot/corpus.ts';
import { passerelle, ROOT } from './passerelle-process.ts';

/**
 * The README's first run (« First run: without the corpus, then with it »), spawned as `npm start` runs it
 * (`passerelle demo`), on the shipped catalogue with its corpus folder moved to a temporary one: without the
 * corpus, the samples of examples/ are marked in every answer and the empty legal base says so; with it, the
 * samples leave and the real texts answer; when it disappears, its documents leave and the samples come back.
 */
const plain = (markdown: string) => markdown.replace(/\*\*/g, '');

describe('e2e: the README walkthrough (npm start without, then with the corpus)', function () {
  this.timeout(180_000);
  let temp: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  let corpus: string;

  before(() => {
    temp = tempDir('e2e-readme');
    corpus = join(temp.path, 'corpus');
    const catalogue = readFileSync(join(ROOT, 'config/knowledge-bases.yaml'), 'utf8')
      .replaceAll('../shared/corpus/', `${corpus}/`)
      .replace(/examples: examples\//g, `examples: ${ROOT}examples/`);
    writeFileSync(join(temp.path, 'catalogue.yaml'), catalogue);
    env = { PASSERELLE_DATA_DIR: join(temp.path, 'data'), PASSERELLE_KNOWLEDGE_BASES: join(temp.path, 'catalogue.yaml'), PASSERELLE_LOG_LEVEL: 'warn' };
  });
  after(() => temp.remove());

  it('1. without the corpus: samples marked as fictional, the empty legal base said at start and for a legal question, out-of-scope said plainly', async () => {
    const run = await passerelle(['demo'], env, 'Quels sont les pouvoirs de visite des agents des douanes ?\nComment se déroule une retenue douanière ?\nrecette de la tarte tatin\naide\nquitter\n');
    assert.equal(run.code, 0, run.err);
    const [start, chat] = [run.out.slice(0, run.out.indexOf('vous › ')), run.out.slice(run.out.indexOf('vous › '))];
    assert.match(start, /examples\/hr : documents d’exemple fictifs \(aucune source réelle présente\)/);
    assert.ok(start.includes(`⚠️ ${say.emptyBaseAtStart('Code des douanes et textes liés', 'legal')}`), start);
    assert.ok(start.includes(`⚠️ ${say.exampleBaseNotice('Ressources humaines')}`));
    assert.ok(chat.includes(say.emptyBase('Code des douanes et textes liés', 'legal')), 'a legal question: the base is empty, how to fill it');
    assert.ok(chat.includes(plain(say.EXAMPLE_SOURCES_WARNING)), 'an answer from a sample says so');
    assert.match(chat, /\[1\] EXEMPLE FICTIF — /);
    assert.ok(chat.includes(say.outOfScope(['Code des douanes et textes liés', 'Ressources humaines', 'Procédures internes'])));
    assert.ok(chat.includes('• quitter — fermer la discussion'));
    assert.doesNotMatch(chat, /\*\*|^#|^> |base legal\b|Contenu généré par IA/m);
    assert.ok(run.out.trimEnd().endsWith('Au revoir.'));
  });

  it('2. with the corpus: the samples leave the HR base (said), the codes answer with their links', async () => {
    const files = writeCorpus(join(temp.path, 'fixtures'));
    writeCorpus(corpus);
    copyFileSync(files.hr, join(corpus, 'hr_faq_cisirh.jsonl'));
    const run = await passerelle(['demo'], env, 'Que dit l’article 414 ?\nCombien de jours de congés annuels pour un fonctionnaire ?\nquitter\n');
    assert.equal(run.code, 0, run.err);
    const [start, chat] = [run.out.slice(0, run.out.indexOf('vous › ')), run.out.slice(run.out.indexOf('vous › '))];
    assert.match(start, /examples\/hr : 3 document\(s\) d’exemple fictifs retirés : les sources réelles sont présentes/);
    assert.ok(!start.includes('est vide'), start);
    assert.match(chat, /Sont passibles d’un emprisonnement de trois ans/);
    assert.match(chat, /Tout fonctionnaire en activité a droit/);
    assert.ok(!chat.includes('EXEMPLE'), 'no sample next to the real texts');
  });

  it('3. when the corpus disappears: its documents leave (said), the samples come back, the legal base is empty again', async () => {
    renameSync(corpus, `${corpus}.parti`);
    const run = await passerelle(['demo'], env, 'Que dit l’article 414 ?\nquitter\n');
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /code_douanes\.jsonl : source absente : ses \d+ document\(s\) ont été retirés de la base/);
    assert.match(run.out, /examples\/hr : documents d’exemple fictifs/);
    assert.ok(run.out.includes(say.emptyBase('Code des douanes et textes liés', 'legal')));
  });
});
