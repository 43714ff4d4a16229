import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLegiArticle } from '../../../knowledge/sync/legi-xml.ts';
import { readTarGz } from '../../../knowledge/sync/tar-archive.ts';
import { missingDays } from '../../../knowledge/sync/legi-sync.ts';
import type { SyncReport } from '../../../knowledge/sync/sync-report.ts';
import { legiArchive, legiArticleXml, SAMPLE_ARTICLES } from '../../fakes/legi-archives.ts';
import { makeTempDir } from '../helpers/knowledge-fixtures.ts';
import { cli } from '../helpers/run-cli.ts';

/**
 * `passerelle sync legi` on small archives in DILA's layout and XML format, built from the shared corpus's ids
 * (test/fakes/legi-archives.ts).
 */
const { V414_2017, V414_2024, V2, V265, CIVIL } = SAMPLE_ARTICLES;

describe('sync legi: DILA LEGI archives (full dump, daily increments) applied to the codes of a base', function () {
  this.timeout(60_000);
  let temp: ReturnType<typeof makeTempDir>;
  let env: Record<string, string>;
  let archives: string;
  const sync = async () => {
    const run = await cli(['sync', 'legi', '--kb', 'legal', '--dir', archives, '--json'], env);
    assert.ok(run.code === 0 || run.code === 3, run.err);
    return { code: run.code, report: JSON.parse(run.out) as SyncReport };
  };
  const named = async (question: string, date: string) => {
    const run = await cli(['search', '--kb', 'legal', '--json', '--k', '3', '--date', date, question], env);
    assert.equal(run.code, 0, run.err);
    return [...new Set((JSON.parse(run.out) as Array<{ documentId: string; namedInQuestion: boolean }>).filter((hit) => hit.namedInQuestion).map((hit) => hit.documentId))];
  };

  before(async () => {
    temp = makeTempDir('legi-sync');
    env = { PASSERELLE_DATA_DIR: join(temp.path, 'data') };
    archives = join(temp.path, 'archives');
    mkdirSync(archives);
    writeFileSync(join(archives, 'Freemium_legi_global_20240101-120000.tar.gz'), legiArchive('20240101-120000', [V414_2017, V2, V265, CIVIL]));
    writeFileSync(join(archives, 'LEGI_20240102-203000.tar.gz'), legiArchive('20240102-203000', [{ ...V414_2017, etat: 'MODIFIE', dateFin: '2024-01-02' }, V414_2024]));
    // 2024-01-03 (a Wednesday) is missing; the 4th removes the version of 265.
    writeFileSync(join(archives, 'LEGI_20240104-203000.tar.gz'), legiArchive('20240104-203000', [], [V265.id]));
    writeFileSync(join(archives, 'notes.tar.gz'), 'pas une archive LEGI');
  });
  after(() => temp?.remove());

  it('reads the real XML format: number, state, dates, code, headings, text, chronical id', () => {
    const record = parseLegiArticle(legiArticleXml(V414_2024));
    assert.ok(typeof record !== 'string');
    assert.deepEqual(
      [record.id, record.cid, record.num, record.etat, record.valid_from, record.valid_to, record.code, record.code_id, record.title_path],
      ['LEGIARTI000048123456', 'LEGIARTI000006615940', '414', 'VIGUEUR', '2024-01-02', '2999-01-01', 'Code des douanes', 'LEGITEXT000006071570', ['Titre XII : Contentieux et recouvrement']],
    );
    assert.match(record.text, /des biens qui ont servi à commettre l'infraction/);
    assert.equal(parseLegiArticle('<TEXTELR/>'), 'pas un article LEGI (élément ARTICLE absent)');
  });

  it('applies the dump then the increments in order, for the catalogue’s codes only, and reports a missing day', async () => {
    const { code, report } = await sync();
    assert.equal(code, 0);
    assert.deepEqual(report.steps.map((step) => [step.name, step.status, step.articles]), [
      ['Freemium_legi_global_20240101-120000.tar.gz', 'applied', 3],
      ['LEGI_20240102-203000.tar.gz', 'applied', 2],
      ['LEGI_20240104-203000.tar.gz', 'applied', 1],
    ]);
    assert.deepEqual(report.missingDays, ['2024-01-03']);
    assert.ok(report.warnings.some((warning) => /notes\.tar\.gz ignorée/.test(warning)));
    assert.ok(report.changedArticles.includes('414 (VIGUEUR, LEGIARTI000048123456)'));
    assert.ok(report.changedArticles.includes('265 (supprimé, LEGIARTI000038069769)'));
    assert.equal(report.complete, true);
  });

  it('answers with the version in force at each date, and the removed article is gone', async () => {
    assert.deepEqual(await named('article 414 du code des douanes', '2023-06-01'), ['LEGIARTI000033815388']);
    assert.deepEqual(await named('article 414 du code des douanes', '2026-01-01'), ['LEGIARTI000048123456']);
    assert.deepEqual(await named('article 265 du code des douanes', '2023-06-01'), []);
    assert.deepEqual(await named('article 1 du code civil', '2026-01-01'), [], 'a code outside the catalogue is ignored');
  });

  it('is idempotent: a second run applies nothing and re-indexes nothing', async () => {
    const { code, report } = await sync();
    assert.equal(code, 0);
    assert.ok(report.steps.every((step) => step.status === 'already-applied'));
    assert.deepEqual([report.added, report.updated, report.removed], [0, 0, 0]);
  });

  it('re-indexes only the versions an increment changed', async () => {
    writeFileSync(join(archives, 'LEGI_20240105-203000.tar.gz'), legiArchive('20240105-203000', [V2, { ...V414_2024, text: `${V414_2024.text}\n\nAlinéa ajouté.` }]));
    const { report } = await sync();
    assert.deepEqual(report.steps.filter((step) => step.status === 'applied').map((step) => [step.name, step.articles]), [['LEGI_20240105-203000.tar.gz', 1]]);
    assert.deepEqual([report.added, report.updated, report.removed], [0, 1, 0], 'article 2, unchanged, is left alone');
  });

  it('stops at a truncated archive (nothing applied from it), then resumes from it once it is whole', async () => {
    const whole = legiArchive('20240106-203000', [{ ...V2, text: `${V2.text} Texte modifié le 6.` }]);
    writeFileSync(join(archives, 'LEGI_20240106-203000.tar.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
    writeFileSync(join(archives, 'LEGI_20240108-203000.tar.gz'), legiArchive('20240108-203000', [{ ...V265, id: 'LEGIARTI000049000001', versions: ['LEGIARTI000038069769', 'LEGIARTI000049000001'] }]));
    const failed = await sync();
    assert.equal(failed.code, 3);
    const step = failed.report.steps.find((entry) => entry.name === 'LEGI_20240106-203000.tar.gz');
    assert.equal(step?.status, 'failed');
    assert.match(step?.error ?? '', /L’archive LEGI_20240106-203000\.tar\.gz est illisible ou tronquée/);
    assert.equal(failed.report.steps.some((entry) => entry.name === 'LEGI_20240108-203000.tar.gz'), false, 'later increments wait');
    assert.equal(failed.report.complete, false);
    writeFileSync(join(archives, 'LEGI_20240106-203000.tar.gz'), whole);
    const resumed = await sync();
    assert.equal(resumed.code, 0);
    assert.deepEqual(resumed.report.steps.filter((entry) => entry.status === 'applied').map((entry) => entry.name), ['LEGI_20240106-203000.tar.gz', 'LEGI_20240108-203000.tar.gz']);
    assert.deepEqual(resumed.report.missingDays, ['2024-01-03'], 'Sunday the 7th is no missing day');
  });

  it('prints a French report for curators', async () => {
    const run = await cli(['sync', 'legi', '--kb', 'legal', '--dir', archives], env);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /^Synchronisation LEGI \(DILA\) de la base legal :/);
    assert.match(run.out, /⚠ jour manquant : 2024-01-03/);
  });

  it('rejects a corrupt tar and counts missing days without Sundays', () => {
    assert.throws(() => readTarGz(Buffer.from('not gzip')), /gzip illisible/);
    assert.deepEqual(missingDays(['2024-01-05', '2024-01-09']), ['2024-01-06', '2024-01-08']);
  });
});
