import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECK } from '../../bots/learning/ai-literacy.ts';
import * as say from '../../bots/learning/messages.ts';
import { tempDir } from '../integration/bot/harness.ts';
import { articlesJsonl } from '../integration/learning/learning-rig.ts';
import { passerelle } from './passerelle-process.ts';

/** Learning mode in the terminal chat: the spawned `passerelle` command, a real data folder, typed answers. */
describe('e2e: quiz and training in the terminal chat (spawned passerelle)', function () {
  this.timeout(180_000);
  let temp: ReturnType<typeof tempDir>;
  let env: Record<string, string>;

  before(async () => {
    temp = tempDir('learning-e2e');
    const file = join(temp.path, 'code_douanes.jsonl');
    writeFileSync(file, articlesJsonl());
    env = { PASSERELLE_DATA_DIR: join(temp.path, 'data'), PASSERELLE_LOG_LEVEL: 'warn' };
    const run = await passerelle(['ingest', '--kb', 'legal', '--classification', 'public', file], env);
    assert.equal(run.code, 0, run.err);
  });
  after(() => temp.remove());

  it('takes the training with typed numbers, then a quiz answered in words; the results survive the session', async () => {
    const answers = CHECK.map((question) => String(question.answer + 1)).join('\n');
    const run = await passerelle(['chat'], env, `formation\n${answers}\nquiz article 414\ntrois ans\nquit\n`, 120_000);
    assert.equal(run.code, 0, run.err);
    // Markdown is rendered for the terminal (plain typography through a pipe): no ** markers.
    const plain = (markdown: string | undefined) => (markdown ?? '').replace(/\*\*/g, '');
    assert.ok(run.out.includes('Vérification — 5 questions.'));
    assert.ok(run.out.includes(`  1. ${plain(CHECK[0]?.choices[0])}\n  2. ${plain(CHECK[0]?.choices[1])}`), 'numbered choices under the question');
    assert.ok(run.out.includes(plain(say.trainingPassed(5, 5))));
    assert.match(run.out, /Question 1\/1 — Code des douanes, art\. 414/);
    assert.match(run.out, /✅ Exact\./);
    assert.doesNotMatch(run.out, /\*\*/);
    assert.match(run.out, /Sources :\n {2}\[1\] Code des douanes, art\. 414/);
    const again = await passerelle(['chat'], env, 'quiz bilan\nquit\n');
    assert.match(again.out, /Quiz : 1 réponse, 100 % justes, 1 question vue\./);
    assert.match(again.out, /Formation IA : validée le \d\d\/\d\d\/\d{4} \(meilleur score 5\/5\)\./);
    const report = await passerelle(['learning', '--report', '--json'], { ...env, PASSERELLE_REPORT_MIN_GROUP: '2' });
    assert.equal(report.code, 0, report.err);
    const parsed = JSON.parse(report.out) as { coverage: unknown[]; merged?: { services: number } };
    assert.deepEqual(parsed.coverage, [], 'one agent alone is never shown');
    assert.deepEqual(parsed.merged, { services: 1 });
  });

  it('reports the quiz items of each base with the share passing the check against the texts', async () => {
    const run = await passerelle(['learning', '--quiz', '--kb', 'legal', '--json'], env);
    assert.equal(run.code, 0, run.err);
    const [legal] = JSON.parse(run.out) as Array<{ kb: string; documents: number; generated: number; passed: number }>;
    assert.equal(legal?.kb, 'legal');
    assert.equal(legal?.documents, 7);
    assert.ok((legal?.passed ?? 0) > 0 && legal!.passed <= legal!.generated);
    const text = await passerelle(['learning', '--quiz', '--kb', 'legal', '--sample', '2'], env);
    assert.match(text.out, /^Base legal : \d+ questions de quiz/);
    assert.match(text.out, /Vérification automatique : \d+\/\d+ questions \(\d+\.\d %\) ont leur réponse attendue dans le texte cité/);
    const bad = await passerelle(['learning'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /précisez --quiz ou --report/);
  });
});
