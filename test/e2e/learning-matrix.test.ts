import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { blankedSentence, type QuizItem } from '../../knowledge/learning/quiz-item.ts';
import type { FakeHomeserver } from '../fakes/homeserver/index.ts';
import type { MatrixUser, SeenEvent } from '../fakes/homeserver/matrix-user.ts';
import type { MatrixBot } from '../fakes/homeserver/passerelle-bot.ts';
import { loadTestKit, type TestKit } from '../fakes/homeserver/test-kit.ts';
import { articlesJsonl } from '../integration/learning/learning-rig.ts';

/**
 * Learning mode on Tchap: the real bot with the real Matrix adapter on the fake homeserver, an encrypted
 * direct chat. A quiz question comes as a numbered list; the agent answers with the number.
 */
describe('e2e: quiz on Tchap (numbered replies, fake homeserver, encrypted direct chat)', function () {
  this.timeout(60_000);
  let kit: TestKit;
  let fake: FakeHomeserver;
  let bot: MatrixBot;
  let agent: MatrixUser;
  let roomId: string;

  before(async function () {
    this.timeout(120_000);
    kit = await loadTestKit();
    fake = await kit.startFakeHomeserver();
    bot = await kit.startMatrixBot(fake);
    const file = join(bot.dir, 'quiz-articles.jsonl');
    writeFileSync(file, articlesJsonl());
    await bot.app.knowledge.ingestion.ingest({ kb: 'legal', ceiling: 'diffusion-restreinte' }, [file], { defaultClassification: 'public' });
    agent = await kit.MatrixUser.start(fake, '@agent:test.local');
    roomId = await agent.createDirectChat(kit.BOT_USER_ID);
  });
  after(async () => {
    agent?.stop();
    await bot?.close();
    await fake?.close();
  });

  const body = (event: SeenEvent) => String(event.latest.body ?? '');
  const next = async (since: number, matches: (text: string) => boolean): Promise<SeenEvent> =>
    agent.waitForMessage(roomId, kit.BOT_USER_ID, (event) => agent.eventsFrom(roomId, kit.BOT_USER_ID).indexOf(event) >= since && matches(body(event)), 20_000);

  it('lists the choices by number; the agent’s numbered reply is graded and explained with the cited article', async () => {
    const since = agent.eventsFrom(roomId, kit.BOT_USER_ID).length;
    await agent.send(roomId, 'quiz article 414');
    const question = await next(since, (text) => text.includes('Répondez par le numéro de votre choix.'));
    assert.match(body(question), /\*\*Question 1\/1\*\* — Code des douanes, art\. 414/);
    assert.equal(question.latest.msgtype, 'm.notice');
    const items = (await bot.app.learning.bank.base('legal')).items;
    const item = items.find((candidate) => body(question).includes(blankedSentence(candidate))) as QuizItem;
    assert.ok(item, body(question));
    for (const [index, choice] of item.choices.entries()) assert.ok(body(question).includes(`\n${index + 1}. ${choice}\n`), choice);
    assert.match(String(question.latest.formatted_body), /<ol><li>/);
    const afterQuestion = agent.eventsFrom(roomId, kit.BOT_USER_ID).length;
    await agent.send(roomId, String(item.answerIndex + 1));
    const explanation = await next(afterQuestion, (text) => text.startsWith('✅'));
    assert.match(body(explanation), /\*\*trois ans\*\*/);
    assert.match(body(explanation), /Sources :\n\[1\] Code des douanes, art\. 414 — .*<https:\/\/www\.legifrance\.gouv\.fr\/codes\/article_lc\/CD-414>/);
    await next(afterQuestion, (text) => text.includes('Quiz terminé : 1/1'));
  });

  it('reads a wrong number as a miss and schedules the item again', async () => {
    const since = agent.eventsFrom(roomId, kit.BOT_USER_ID).length;
    await agent.send(roomId, 'quiz article 414');
    const question = await next(since, (text) => text.includes('Répondez par le numéro de votre choix.'));
    const item = (await bot.app.learning.bank.base('legal')).items.find((candidate) => body(question).includes(blankedSentence(candidate))) as QuizItem;
    const afterQuestion = agent.eventsFrom(roomId, kit.BOT_USER_ID).length;
    await agent.send(roomId, String(((item.answerIndex + 1) % 4) + 1));
    const explanation = await next(afterQuestion, (text) => text.startsWith('❌'));
    assert.match(body(explanation), /Cette question vous sera reposée à partir du/);
  });
});
