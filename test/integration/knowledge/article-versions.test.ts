import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Knowledge } from '../../../knowledge/create-knowledge.ts';
import type { RetrievalRequest } from '../../../knowledge/retriever.ts';
import { makeTempDir, openKnowledge, REPO_ROOT, writeJsonl } from '../helpers/knowledge-fixtures.ts';
import { cli } from '../helpers/run-cli.ts';

/**
 * Versions of the Code des douanes from the shared corpus: the 2024 text and the 2019 LEGI snapshot in one base.
 * Real records (a handful of articles, read from ../shared/corpus when it is there): 414 changed between the two
 * snapshots, 2 did not (same LEGI version), 265 left the code (moved to the CIBS), 60-1 appeared.
 */
const CORPUS = join(REPO_ROOT, '../shared/corpus');
const NUMBERS = new Set(['2', '60-1', '265', '414', '416']);

function sharedRecords(file: string): unknown[] {
  return readFileSync(join(CORPUS, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { num: string })
    .filter((record) => NUMBERS.has(record.num));
}

describe('versions of articles: 2019 and 2024 Code des douanes in one base (shared corpus)', function () {
  this.timeout(60_000);
  let temp: ReturnType<typeof makeTempDir>;
  let knowledge: Knowledge;
  let files: { current: string; old: string };
  const retrieve = (request: Partial<RetrievalRequest> & { question: string }) =>
    knowledge.retriever.retrieve({ kb: 'legal', maxClassification: 'diffusion-restreinte', limit: 5, inForceAt: '2026-01-01', ...request });
  const named = async (request: Partial<RetrievalRequest> & { question: string }) =>
    [...new Set((await retrieve(request)).passages.filter((passage) => passage.namedInQuestion).map((passage) => passage.chunk.documentId))];

  before(async function () {
    if (!existsSync(join(CORPUS, 'code_douanes_legi_2019.jsonl'))) this.skip();
    temp = makeTempDir('versions');
    files = {
      current: writeJsonl(join(temp.path, 'code_douanes.jsonl'), sharedRecords('code_douanes.jsonl')),
      old: writeJsonl(join(temp.path, 'code_douanes_legi_2019.jsonl'), sharedRecords('code_douanes_legi_2019.jsonl')),
    };
    knowledge = await openKnowledge(join(temp.path, 'data'));
    await knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [files.current], { defaultClassification: 'public' });
    const report = await knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [files.old], { defaultClassification: 'public' });
    assert.ok((report.redated ?? 0) >= 3, 'ingesting the older snapshot re-dates versions');
  });
  after(async () => {
    await knowledge?.close();
    temp?.remove();
  });

  it('an ingestion that re-dates versions still leaves the base’s lexical index persisted for the next process', () => {
    const db = new DatabaseSync(join(temp.path, 'data', 'knowledge.sqlite'), { readOnly: true });
    try {
      const current = db.prepare("SELECT generation FROM lexical_generations WHERE kb = 'legal'").get() as { generation: number };
      const snapshot = db.prepare("SELECT generation FROM lexical_snapshots WHERE kb = 'legal'").get() as { generation: number } | undefined;
      assert.equal(snapshot?.generation, current.generation, 'a snapshot of the base as the re-dating left it');
    } finally {
      db.close();
    }
  });

  it('answers with today’s text for today and the 2019 text for a 2019 date', async () => {
    assert.deepEqual(await named({ question: "Que prévoit l'article 414 ?" }), ['CD-414']);
    assert.deepEqual(await named({ question: "Que prévoit l'article 414 ?", inForceAt: '2019-07-01' }), ['LEGIARTI000033815388']);
  });

  it('reads the date in the question ("au 1er juillet 2019", "en 2019", "avant la réforme")', async () => {
    const dated = await retrieve({ question: "Que prévoyait l'article 414 au 1er juillet 2019 ?" });
    assert.deepEqual(dated.asOf, { date: '2019-07-01', phrase: 'au 1er juillet 2019' });
    assert.equal(dated.passages[0]?.chunk.documentId, 'LEGIARTI000033815388');
    assert.deepEqual(await named({ question: "l'article 414 en 2019" }), ['LEGIARTI000033815388']);
    const before = await retrieve({ question: "l'article 414 avant la réforme" });
    assert.equal(before.asOf?.date, '2024-01-14', 'the day before the version in force began');
    assert.equal(before.passages[0]?.chunk.documentId, 'LEGIARTI000033815388');
  });

  it('names the version: dates, the uncertainty the snapshots leave, the version id', async () => {
    const [old] = await knowledge.store.getChunks('legal', ['LEGIARTI000033815388#0']);
    assert.deepEqual(
      [old?.article?.validFrom, old?.article?.validTo, old?.article?.uncertainTo, old?.article?.versions],
      ['2017-01-01', '2024-01-15', '2019-07-01', 2],
    );
  });

  it('keeps one version of an unchanged article (the 2024 record of the same LEGI version), with or without a date', async () => {
    assert.deepEqual(await named({ question: "l'article 2 du code des douanes" }), ['CD-2']);
    assert.deepEqual(await named({ question: "l'article 2 du code des douanes", inForceAt: '2019-07-01' }), ['CD-2']);
    const { inForceAt: _none, ...undated } = { inForceAt: undefined };
    assert.deepEqual(await named({ question: "l'article 2 du code des douanes", ...undated }), ['CD-2']);
  });

  it('ends an article gone from the 2024 code (265, moved to the CIBS) and keeps it for 2019', async () => {
    assert.deepEqual(await named({ question: "l'article 265 du code des douanes" }), []);
    assert.deepEqual(await named({ question: "l'article 265 du code des douanes", inForceAt: '2019-07-01' }), ['LEGIARTI000038069769']);
  });

  it('starts an article that appeared after 2019 (60-1, the 2023 reform) after the 2019 snapshot', async () => {
    assert.deepEqual(await named({ question: "l'article 60-1 du code des douanes" }), ['CD-60-1']);
    assert.deepEqual(await named({ question: "l'article 60-1 du code des douanes", inForceAt: '2019-07-01' }), []);
  });

  it('gives the same dates whatever order the files were ingested in, and reopens a version whose successor is removed', async () => {
    const other = await openKnowledge(join(temp.path, 'data-reverse'));
    try {
      await other.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [files.old], { defaultClassification: 'public' });
      await other.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [files.current], { defaultClassification: 'public' });
      const dates = async (k: Knowledge) => (await k.store.listChunks('legal')).map((chunk) => `${chunk.id} ${chunk.article?.validFrom} ${chunk.article?.validTo}`).sort();
      assert.deepEqual(await dates(other), await dates(knowledge));
      await other.ingestion.removeSource('legal', files.current);
      const [reopened] = await other.store.getChunks('legal', ['LEGIARTI000033815388#0']);
      assert.equal(reopened?.article?.validTo, undefined);
      assert.equal(reopened?.article?.versions, undefined);
    } finally {
      await other.close();
    }
  });

  describe('through the command line', () => {
    let env: Record<string, string>;
    before(() => {
      env = { PASSERELLE_DATA_DIR: join(temp.path, 'data') };
    });

    it('search --json --date gives each passage its version', async () => {
      const run = await cli(['search', '--kb', 'legal', '--json', '--k', '1', '--date', '2019-07-01', "l'article 414"], env);
      assert.equal(run.code, 0, run.err);
      const [top] = JSON.parse(run.out) as Array<{ id: string; version: unknown }>;
      assert.deepEqual(top?.version, { version_id: 'LEGIARTI000033815388', valid_from: '2017-01-01', valid_to: '2024-01-15' });
    });

    it('ask --json names the version in the answer and in its citations, with that version’s Légifrance link', async () => {
      const run = await cli(['ask', '--kb', 'legal', '--json', "Que prévoyait l'article 414 au 1er juillet 2019 ?"], env);
      assert.equal(run.code, 0, run.err);
      const answer = JSON.parse(run.out) as { answer: string; citations: Array<{ id: string; url: string; version: unknown }> };
      const cited = answer.citations.find((citation) => citation.id === 'LEGIARTI000033815388#0');
      assert.deepEqual(cited?.version, { version_id: 'LEGIARTI000033815388', valid_from: '2017-01-01', valid_to: '2024-01-15' });
      assert.equal(cited?.url, 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000033815388');
      assert.match(answer.answer, /Versions? citées? :\n- Code des douanes, art\. 414 : version en vigueur du 1er janvier 2017 au 15 janvier 2024 \(remplacée ou abrogée entre le 1er juillet 2019 et le 15 janvier 2024\) — https:\/\/www\.legifrance\.gouv\.fr\/codes\/article_lc\/LEGIARTI000033815388/);
      assert.ok(!answer.citations.some((citation) => citation.id === 'CD-414#0'), 'the 2024 text is not cited for 2019');
    });

    it('diff --json compares the real 2019 and 2024 texts of article 414 word by word, both versions named', async () => {
      const run = await cli(['diff', '--kb', 'legal', '414', '--from', '2019-07-01', '--json'], env);
      assert.equal(run.code, 0, run.err);
      const diff = JSON.parse(run.out) as { article: string; from: unknown; to: unknown; changes: Array<{ op: string; text: string }> };
      assert.equal(diff.article, 'Code des douanes, art. 414');
      assert.deepEqual(diff.from, { version_id: 'LEGIARTI000033815388', valid_from: '2017-01-01', valid_to: '2024-01-15' });
      assert.deepEqual(diff.to, { version_id: 'CD-414', valid_from: '2024-01-15', valid_to: null });
      // The 2019 → 2024 change: confiscation extended to the goods used to commit the offence.
      const inserted = diff.changes.filter((change) => change.op === 'insert').map((change) => change.text).join(' ');
      assert.match(inserted, /qui ont servi à commettre l'infraction/);
      const texts = (op: string) => diff.changes.filter((change) => change.op !== op).map((change) => change.text).join('');
      const [older] = await knowledge.store.getChunks('legal', ['LEGIARTI000033815388#0']);
      assert.ok(older && texts('insert').startsWith(older.text.slice(0, 200)), 'equal + deleted runs give the 2019 text back');
      const plain = await cli(['diff', '--kb', 'legal', 'art. 414'], env);
      assert.match(plain.out, /\{\+qui ont servi à commettre l'infraction/);
      assert.match(plain.out, /de : version en vigueur du 1er janvier 2017 au 15 janvier 2024/);
    });

    it('diff refuses bad dates and unknown articles in French', async () => {
      const late = await cli(['diff', '--kb', 'legal', '414', '--to', '1990-01-01'], env);
      assert.equal(late.code, 1);
      assert.match(late.err, /Aucune version de l’article 414 n’était en vigueur le 1990-01-01/);
      const unknown = await cli(['diff', '--kb', 'legal', '9999'], env);
      assert.equal(unknown.code, 1);
      assert.match(unknown.err, /Je ne trouve pas l’article 9999/);
      const badDate = await cli(['diff', '--kb', 'legal', '414', '--from', '2019-13-01'], env);
      assert.equal(badDate.code, 2);
    });

    it('answers "qu’est-ce qui a changé à l’article 414 depuis 2019 ?" in the chat, citing both versions', async () => {
      const run = await cli(['ask', '--kb', 'legal', '--json', 'Qu’est-ce qui a changé à l’article 414 depuis 2019 ?'], env);
      assert.equal(run.code, 0, run.err);
      const answer = JSON.parse(run.out) as { answer: string; citations: Array<{ id: string }>; mode: string };
      assert.deepEqual(answer.citations.map((citation) => citation.id), ['LEGIARTI000033815388#0', 'CD-414#0']);
      assert.match(answer.answer, /ce qui a changé entre la version en vigueur du 1er janvier 2017 au 15 janvier 2024 .*\[1\] et la version en vigueur depuis le 15 janvier 2024 .*\[2\]/);
      assert.match(answer.answer, /ajout de « qui ont servi à commettre l'infraction/);
      const same = await cli(['ask', '--kb', 'legal', '--json', 'Qu’est-ce qui a changé à l’article 2 depuis 2019 ?'], env);
      assert.match((JSON.parse(same.out) as { answer: string }).answer, /n’a pas changé depuis le 1er juillet 2019/);
    });

    it('concordance derive tells what the versions show: 265 gone from the 2024 code, dated by the two snapshots', async () => {
      const run = await cli(['concordance', 'derive', '--kb', 'legal'], env);
      assert.equal(run.code, 0, run.err);
      assert.match(run.out, /^Code des douanes,265,,,repealed,,absent du texte consolidé du 2024-01-15 \(abrogé ou transféré dans un autre code entre le 2019-07-01 et le 2024-01-15\)$/m);
      assert.doesNotMatch(run.out, /,414,/, 'a changed article is no concordance');
    });

    it('ask --date and eval --date refuse a date that does not exist, in French', async () => {
      for (const args of [['ask', '--date', '2019-02-30', 'article 414'], ['search', '--date', 'hier', 'article 414']]) {
        const run = await cli(args, env);
        assert.equal(run.code, 2, 'a usage error');
        assert.match(run.err, /--date attend une date réelle au format AAAA-MM-JJ/);
      }
    });
  });
});
