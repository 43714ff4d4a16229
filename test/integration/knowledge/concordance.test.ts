import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConcordanceCsv } from '../../../knowledge/versions/concordance.ts';
import { makeTempDir, REPO_ROOT, writeJsonl } from '../helpers/knowledge-fixtures.ts';
import { cli } from '../helpers/run-cli.ts';

/**
 * A synthetic recodification (test/fixtures/concordance/recodification.csv): the old articles end on 2027-01-01 and
 * their L./R. successors begin that day. Old numbers asked about find the new articles, and the reverse.
 */
const RECODIFICATION = join(REPO_ROOT, 'test/fixtures/concordance/recodification.csv');
const CD = 'Code des douanes';
const article = (num: string, text: string, dates: { from?: string; to?: string }, code = CD) => ({
  id: `${code === CD ? 'CD' : 'CIBS'}-${num.replace(/[ .]+/g, '_')}`,
  code,
  num,
  title_path: ['Titre test'],
  text,
  valid_from: dates.from ?? null,
  valid_to: dates.to ?? null,
});
const RECORDS = [
  article('414', 'Sont passibles d’un emprisonnement de trois ans les faits de contrebande de marchandises prohibées.', { to: '2027-01-01' }),
  article('L. 512-1', 'Les faits de contrebande de marchandises prohibées sont punis de trois ans d’emprisonnement et de la confiscation.', { from: '2027-01-01' }),
  article('60', 'Les agents des douanes peuvent procéder à la visite des marchandises et des personnes.', { to: '2027-01-01' }),
  article('L. 231-1', 'Les agents des douanes peuvent procéder à la visite des marchandises et des moyens de transport.', { from: '2027-01-01' }),
  article('L. 231-2', 'Les agents des douanes peuvent procéder à la visite des personnes, dans le respect de leur dignité.', { from: '2027-01-01' }),
  article('L. 233-4', 'Les agents des douanes ont accès aux locaux professionnels et aux documents.', { from: '2027-01-01' }),
  article('R. 312-3', 'Le placement en retenue douanière est consigné dans un registre spécial.', { from: '2027-01-01' }),
];

describe('concordance between numberings (synthetic recodification, command line in-process)', function () {
  this.timeout(60_000);
  let temp: ReturnType<typeof makeTempDir>;
  let env: Record<string, string>;
  const ask = async (question: string, date = '2027-06-01') => {
    const run = await cli(['ask', '--kb', 'legal', '--json', '--date', date, question], env);
    assert.equal(run.code, 0, run.err);
    return JSON.parse(run.out) as { answer: string; citations: Array<{ id: string }> };
  };

  before(async () => {
    temp = makeTempDir('concordance');
    env = { PASSERELLE_DATA_DIR: join(temp.path, 'data') };
    const corpus = writeJsonl(join(temp.path, 'code.jsonl'), RECORDS);
    assert.equal((await cli(['ingest', '--kb', 'legal', '--classification', 'public', corpus], env)).code, 0);
    const imported = await cli(['concordance', 'import', '--kb', 'legal', RECODIFICATION], env);
    assert.equal(imported.code, 0, imported.err);
    assert.match(imported.out, /^8 ligne\(s\) de concordance importée\(s\) dans la base legal \(Code des douanes\)/);
  });
  after(() => temp.remove());

  it('answers "où est passé l’article 414 ?" from the table, citing the new article', async () => {
    const answer = await ask('Où est passé l’article 414 ?');
    assert.match(answer.answer, /L’ancien article 414 du code des douanes correspond à l’article L\. 512-1 depuis le 1er janvier 2027\./);
    assert.deepEqual(answer.citations.map((citation) => citation.id), ['CD-L_512-1#0']);
  });

  it('says when an article was split, merged, moved to another code or repealed', async () => {
    assert.match((await ask('où est passé l’article 60 ?')).answer, /a été scindé : il correspond aux articles L\. 231-1 et L\. 231-2 depuis le 1er janvier 2027/);
    assert.match((await ask('que devient l’article 67 bis ?')).answer, /a été fusionné dans l’article L\. 233-4/);
    assert.match((await ask('où est passé l’article 265 ?')).answer, /correspond à l’article L\. 312-35 du code des impositions sur les biens et services depuis le 1er janvier 2022 \(accises, transférées au CIBS\)/);
    assert.match((await ask('où est passé l’article 285 sexies ?')).answer, /a été abrogé le 1er janvier 2020/);
  });

  it('answers the reverse: which old articles a new number took over', async () => {
    assert.match((await ask('à quel ancien article correspond l’article L. 233-4 ?')).answer, /L’article L\. 233-4 du code des douanes reprend les anciens articles 67 bis et 67 ter depuis le 1er janvier 2027/);
  });

  it('finds the new articles for a question naming the old number once it is renumbered, and says so', async () => {
    const answer = await ask('Que prévoit l’article 414 pour la contrebande ?');
    assert.ok(answer.citations.some((citation) => citation.id === 'CD-L_512-1#0'), JSON.stringify(answer.citations));
    assert.match(answer.answer, /L’ancien article 414 du code des douanes correspond à l’article L\. 512-1 depuis le 1er janvier 2027/);
    // Before the recodification, the old article answers and nothing is said about new numbers.
    const before = await ask('Que prévoit l’article 414 pour la contrebande ?', '2026-06-01');
    assert.equal(before.citations[0]?.id, 'CD-414#0');
    assert.doesNotMatch(before.answer, /ancien article/);
  });

  it('replaces a code’s rows on re-import, lists them, and refuses a bad file with every bad line named', async () => {
    const smaller = join(temp.path, 'smaller.csv');
    writeFileSync(smaller, 'code;old_number;new_number;date;kind\nCode des douanes;414;L. 512-1;2027-01-01;déplacé\n');
    assert.equal((await cli(['concordance', 'import', '--kb', 'legal', smaller], env)).code, 0);
    const listed = JSON.parse((await cli(['concordance', 'list', '--kb', 'legal', '--json'], env)).out) as unknown[];
    assert.equal(listed.length, 1);
    const bad = join(temp.path, 'bad.csv');
    writeFileSync(bad, 'code,old_number,new_number,date,kind\nCode des douanes,1,L. 1,2027-13-01,moved\nCode des douanes,2,,2027-01-01,moved\nCode des douanes,3,L. 3,,inconnu\n');
    const run = await cli(['concordance', 'import', '--kb', 'legal', bad], env);
    assert.equal(run.code, 1);
    assert.match(run.err, /La table de concordance .*bad\.csv est invalide : ligne 2 : date .*; ligne 3 : new_number manquant.*; ligne 4 : kind/);
    assert.equal((JSON.parse((await cli(['concordance', 'list', '--kb', 'legal', '--json'], env)).out) as unknown[]).length, 1, 'nothing lost');
    for (const [file, content] of [['empty.csv', ''], ['binary.csv', Buffer.from([0, 1, 2, 3])], ['header.csv', 'a,b\n1,2\n']] as const) {
      writeFileSync(join(temp.path, file), content);
      const refused = await cli(['concordance', 'import', '--kb', 'legal', join(temp.path, file)], env);
      assert.equal(refused.code, 1, file);
    }
  });

  it('ships the table derived from the shared 2019 and 2024 Code des douanes, in the import format', () => {
    const shipped = join(REPO_ROOT, 'knowledge/versions/data/code-douanes-2019-2024.csv');
    const rows = parseConcordanceCsv(readFileSync(shipped, 'utf8'), shipped);
    assert.equal(rows.length, 110);
    assert.ok(rows.some((row) => row.oldNumber === '265' && row.kind === 'repealed'));
  });
});
