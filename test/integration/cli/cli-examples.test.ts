import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as say from '../../../bots/user-messages.ts';
import { writeCorpus } from '../bot/corpus.ts';
import { makeTempDir, REPO_ROOT } from '../helpers/knowledge-fixtures.ts';
import { cli } from '../helpers/run-cli.ts';

/**
 * Fictional examples (examples/) against the real corpus, through the catalogue's sources (`ingest --all`, what
 * `npm start` runs): never both in one base, every answer citing an example says so, an empty base says it is
 * empty and how to fill it, and a corpus that disappears takes its documents with it (reported).
 */
describe('CLI: example documents and the catalogue’s sources', function () {
  this.timeout(60_000);
  let temp: ReturnType<typeof makeTempDir>;
  let env: Record<string, string>;
  let corpus: string;
  const ask = async (question: string) => {
    const run = await cli(['ask', '--json', question], env);
    assert.equal(run.code, 0, run.err);
    return JSON.parse(run.out) as { answer: string; abstained: boolean; route: { kb: string }; citations: Array<{ id: string; title: string }> };
  };
  const sources = async (kb: string) => {
    const run = await cli(['search', '--kb', kb, '--json', '--k', '50', 'agent douane congé télétravail retenue visite'], env);
    assert.equal(run.code, 0, run.err);
    return (JSON.parse(run.out) as Array<{ id: string }>).map((hit) => hit.id);
  };

  before(() => {
    temp = makeTempDir('cli-examples');
    corpus = join(temp.path, 'corpus');
    // The shipped catalogue, its corpus paths pointed at a folder of this test (absent at first).
    const catalogue = readFileSync(join(REPO_ROOT, 'config/knowledge-bases.yaml'), 'utf8')
      .replaceAll('../shared/corpus/', `${corpus}/`)
      .replace(/examples: examples\//g, `examples: ${REPO_ROOT}examples/`);
    writeFileSync(join(temp.path, 'catalogue.yaml'), catalogue);
    env = { PASSERELLE_DATA_DIR: join(temp.path, 'data'), PASSERELLE_KNOWLEDGE_BASES: join(temp.path, 'catalogue.yaml') };
  });
  after(() => temp.remove());

  it('without the corpus: examples marked in every answer citing them; the empty legal base says so and how to fill it', async () => {
    const ingest = await cli(['ingest', '--all'], env);
    assert.equal(ingest.code, 0, ingest.err);
    assert.match(ingest.out, /examples\/hr : documents d’exemple fictifs \(aucune source réelle présente\)/);

    const example = await ask('Comment se déroule une retenue douanière ?');
    assert.ok(example.answer.startsWith(say.EXAMPLE_SOURCES_WARNING), example.answer);
    assert.ok(example.citations.length > 0);
    for (const citation of example.citations) assert.ok(citation.title.startsWith('EXEMPLE FICTIF — '), citation.title);

    for (const question of ['Quels sont les pouvoirs de visite des agents des douanes ?', 'Que dit l’article 414 ?']) {
      const empty = await ask(question);
      assert.equal(empty.answer, say.emptyBase('Code des douanes et textes liés', 'legal'), question);
      assert.equal(empty.abstained, true);
      assert.deepEqual(empty.citations, []);
      assert.doesNotMatch(empty.answer, /base legal\b|EXEMPLE/);
    }
  });

  it('with the corpus: the HR examples leave the base (reported), answers cite the real texts only', async () => {
    const files = writeCorpus(join(temp.path, 'fixtures'));
    writeCorpus(corpus);
    copyFileSync(files.hr, join(corpus, 'hr_faq_cisirh.jsonl'));
    const ingest = await cli(['ingest', '--all'], env);
    assert.equal(ingest.code, 0, ingest.err);
    assert.match(ingest.out, /examples\/hr : 3 document\(s\) d’exemple fictifs retirés : les sources réelles sont présentes/);
    assert.ok((await sources('hr')).every((id) => id.startsWith('RH-')), 'only the real HR texts');
    const answer = await ask('Combien de jours de congés annuels pour un fonctionnaire ?');
    assert.ok(!answer.answer.includes('EXEMPLE'), answer.answer);
    assert.ok(answer.citations.every((citation) => !citation.title.startsWith('EXEMPLE')));
    const legal = await ask('Que dit l’article 414 ?');
    assert.equal(legal.abstained, false);
  });

  it('when the corpus disappears: its documents are removed (reported), the examples come back, nothing mixed', async () => {
    renameSync(corpus, `${corpus}.parti`);
    const ingest = await cli(['ingest', '--all'], env);
    assert.equal(ingest.code, 0, ingest.err);
    assert.match(ingest.out, /code_douanes\.jsonl : source absente : ses \d+ document\(s\) ont été retirés de la base/);
    assert.match(ingest.out, /hr_faq_cisirh\.jsonl : source absente : ses 5 document\(s\) ont été retirés de la base/);
    const hr = await sources('hr');
    assert.ok(hr.length > 0 && hr.every((id) => id.startsWith('examples/hr/')), hr.join(', '));
    assert.equal((await ask('Que dit l’article 414 ?')).answer, say.emptyBase('Code des douanes et textes liés', 'legal'));
  });
});
